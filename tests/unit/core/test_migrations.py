"""The Alembic migrations build exactly the schema the models describe, up and down."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from lms.app import create_app
from lms.core.extensions import db


@pytest.fixture
def fresh_app(tmp_path):
    return create_app("testing", DATABASE_URL=f"sqlite:///{tmp_path}/migrations.sqlite3")


def _differences() -> list:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def test_models_and_migrations_agree(app):
    """Runs on the suite's back end (SQLite or PostgreSQL), upgraded by the migrations."""
    with app.app_context():
        assert _differences() == []


def test_upgrade_from_nothing_down_to_nothing_and_up_again(fresh_app):
    with fresh_app.app_context():
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert {"users", "org_units", "api_tokens", "password_reset_links"} <= tables
        upgrade()  # at head already: a no-op
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert _differences() == []
