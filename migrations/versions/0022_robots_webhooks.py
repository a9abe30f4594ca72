"""Units' group robots (WeCom, DingTalk, Feishu webhooks)

Revision ID: 0022_robots_webhooks
Revises: 0021_notify_notifications
Create Date: 2026-12-06 17:00:00.000000

"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = '0022_robots_webhooks'
down_revision = '0021_notify_notifications'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('robot_webhooks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('url', sa.String(length=1000), nullable=False),
    sa.Column('secret', sa.String(length=200), nullable=True),
    sa.Column('kinds', sa.JSON(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('last_sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("provider IN ('wecom', 'dingtalk', 'feishu')", name=op.f('ck_robot_webhooks_provider_known')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_robot_webhooks_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['unit_id'], ['org_units.id'], name=op.f('fk_robot_webhooks_unit_id_org_units'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_robot_webhooks'))
    )
    with op.batch_alter_table('robot_webhooks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_robot_webhooks_unit_id'), ['unit_id'], unique=False)


def downgrade():
    with op.batch_alter_table('robot_webhooks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_robot_webhooks_unit_id'))

    op.drop_table('robot_webhooks')
