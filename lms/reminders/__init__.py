"""Reminders: what is due (required courses, activities, quiz and competition windows) and
who should be told, handed to the notification centre once per thing and member (the roof)."""
