"""WSGI entry point: ``gunicorn wsgi:app`` or ``flask --app wsgi ...``."""

from lms.app import create_app

app = create_app()
