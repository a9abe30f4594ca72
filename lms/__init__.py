"""The learning platform. This module imports nothing, so `lms.core.*` can be imported alone."""
