"""Required courses' due dates; the nonce behind each member's calendar feed address

Revision ID: 0026_remind_calendar_due_dates
Revises: 0025_announce_announcements
Create Date: 2026-12-06 16:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0026_remind_calendar_due_dates'
down_revision = '0025_announce_announcements'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('due_at', sa.DateTime(timezone=True), nullable=True))
    op.create_table('calendar_feeds',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('nonce', sa.String(length=32), nullable=False),
    sa.Column('reset_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_calendar_feeds_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_calendar_feeds'))
    )


def downgrade():
    op.drop_table('calendar_feeds')
    with op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.drop_column('due_at')
