"""Announcements (通知公告): notices to units, and who read and acknowledged them

Revision ID: 0025_announce_announcements
Revises: 0024_hours_study_hours
Create Date: 2026-12-06 17:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0025_announce_announcements'
down_revision = '0024_hours_study_hours'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('announcements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body_md', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('is_pinned', sa.Boolean(), nullable=False),
    sa.Column('requires_ack', sa.Boolean(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_announcements_author_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_announcements'))
    )
    with op.batch_alter_table('announcements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_announcements_author_id'), ['author_id'], unique=False)
        batch_op.create_index('ix_announcements_pinned_published', ['is_pinned', 'published_at'], unique=False)

    op.create_table('announcement_units',
    sa.Column('announcement_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['announcement_id'], ['announcements.id'], name=op.f('fk_announcement_units_announcement_id_announcements'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['org_units.id'], name=op.f('fk_announcement_units_unit_id_org_units'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('announcement_id', 'unit_id', name=op.f('pk_announcement_units'))
    )
    op.create_table('announcement_receipts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('announcement_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['announcement_id'], ['announcements.id'], name=op.f('fk_announcement_receipts_announcement_id_announcements'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_announcement_receipts_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_announcement_receipts')),
    sa.UniqueConstraint('announcement_id', 'user_id', name=op.f('uq_announcement_receipts_announcement_id_user_id'))
    )
    with op.batch_alter_table('announcement_receipts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_announcement_receipts_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('announcement_receipts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_announcement_receipts_user_id'))
    op.drop_table('announcement_receipts')
    op.drop_table('announcement_units')
    with op.batch_alter_table('announcements', schema=None) as batch_op:
        batch_op.drop_index('ix_announcements_pinned_published')
        batch_op.drop_index(batch_op.f('ix_announcements_author_id'))
    op.drop_table('announcements')
