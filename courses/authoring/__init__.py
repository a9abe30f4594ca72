"""Authoring pages: courses, modules and lessons, their order, and publishing."""

from courses.authoring import course_pages, lesson_pages, outline
from courses.authoring.blueprint import bp

__all__ = ["bp", "course_pages", "lesson_pages", "outline"]
