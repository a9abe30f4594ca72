"""Announcements, the notification centre, channels (email, group robots), reminders."""
