"""Notifications found by their key (a withdrawn announcement takes its notifications along) and
group robots' recent posts by robot

Revision ID: 0027_notify_lookup_indexes
Revises: 0026_remind_calendar_due_dates
Create Date: 2026-12-06 20:50:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0027_notify_lookup_indexes'
down_revision = '0026_remind_calendar_due_dates'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_notifications_key', 'notifications', ['key'], unique=False)
    op.create_index(
        'ix_notification_deliveries_channel_target',
        'notification_deliveries',
        ['channel', 'target', 'id'],
        unique=False,
    )


def downgrade():
    op.drop_index('ix_notification_deliveries_channel_target', table_name='notification_deliveries')
    op.drop_index('ix_notifications_key', table_name='notifications')
