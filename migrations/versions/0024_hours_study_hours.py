"""Study hours (学时): hours on courses and items, the yearly record and the yearly targets

Revision ID: 0024_hours_study_hours
Revises: 0023_directory_auth_source
Create Date: 2026-12-06 16:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0024_hours_study_hours'
down_revision = '0023_directory_auth_source'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('study_centihours', sa.Integer(), nullable=True))
    with op.batch_alter_table('course_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('study_centihours', sa.Integer(), nullable=True))
    op.create_table('study_hour_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('source_type', sa.String(length=20), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('centihours', sa.Integer(), nullable=False),
    sa.Column('earned_on', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('centihours >= 0', name=op.f('ck_study_hour_entries_centihours_not_negative')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_study_hour_entries_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_study_hour_entries')),
    sa.UniqueConstraint('user_id', 'source_type', 'source_id', name=op.f('uq_study_hour_entries_user_id_source_type_source_id'))
    )
    op.create_index('ix_study_hour_entries_day', 'study_hour_entries', ['earned_on'], unique=False)
    op.create_index('ix_study_hour_entries_user_day', 'study_hour_entries', ['user_id', 'earned_on'], unique=False)
    op.create_table('study_hour_targets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('role', sa.String(length=20), nullable=True),
    sa.Column('centihours', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('centihours > 0', name=op.f('ck_study_hour_targets_centihours_positive')),
    sa.ForeignKeyConstraint(['unit_id'], ['org_units.id'], name=op.f('fk_study_hour_targets_unit_id_org_units'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_study_hour_targets'))
    )
    op.create_index('ix_study_hour_targets_year', 'study_hour_targets', ['year'], unique=False)


def downgrade():
    op.drop_index('ix_study_hour_targets_year', table_name='study_hour_targets')
    op.drop_table('study_hour_targets')
    op.drop_index('ix_study_hour_entries_user_day', table_name='study_hour_entries')
    op.drop_index('ix_study_hour_entries_day', table_name='study_hour_entries')
    op.drop_table('study_hour_entries')
    with op.batch_alter_table('course_items', schema=None) as batch_op:
        batch_op.drop_column('study_centihours')
    with op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.drop_column('study_centihours')
