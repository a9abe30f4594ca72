"""Video lessons complete by watching: the author may allow reading instead, and the server
keeps the time of the player's last report to bound what each report may add

Revision ID: 0015_courses_video_watching
Revises: 0014_accounts_password_handouts
Create Date: 2026-12-06 10:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015_courses_video_watching'
down_revision = '0014_accounts_password_handouts'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('course_items', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                'video_allows_reading', sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
    with op.batch_alter_table('item_progress', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('video_reported_at', sa.DateTime(timezone=True), nullable=True)
        )


def downgrade():
    with op.batch_alter_table('item_progress', schema=None) as batch_op:
        batch_op.drop_column('video_reported_at')
    with op.batch_alter_table('course_items', schema=None) as batch_op:
        batch_op.drop_column('video_allows_reading')
