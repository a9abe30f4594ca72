"""Member pages: competitions to join, registration, taking part, results."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("competitions", __name__)
