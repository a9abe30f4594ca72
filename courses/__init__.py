"""Courses > modules > items (lesson, quiz, offline activity), enrolment and progress."""
