"""The notification centre: in-app notifications, members' channel choices and the outbox."""
