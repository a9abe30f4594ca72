"""Migration 0019: the images of questions imported before it stay readable by members."""

from __future__ import annotations

from flask_migrate import upgrade
from sqlalchemy import text

from lms.app import create_app
from lms.core.extensions import db

NOW = "2026-12-01 08:00:00"


def test_question_images_imported_before_are_marked(tmp_path):
    app = create_app("testing", DATABASE_URL=f"sqlite:///{tmp_path}/m.sqlite3")
    with app.app_context():
        upgrade(revision="0016_competitions_hand_actions")
        with db.engine.begin() as sql:
            for upload_id, token in ((1, "inquestion"), (2, "inexplanation"), (3, "acover")):
                sql.execute(
                    text(
                        "INSERT INTO uploads (id, token, filename, extension, size, sha256,"
                        " created_at) VALUES (:id, :token, 'a.png', 'png', 1, '', :now)"
                    ),
                    {"id": upload_id, "token": token, "now": NOW},
                )
            sql.execute(
                text(
                    "INSERT INTO question_categories (id, name, path, created_at, updated_at)"
                    " VALUES (1, 'C', 'C', :now, :now)"
                ),
                {"now": NOW},
            )
            sql.execute(
                text(
                    "INSERT INTO questions (id, category_id, is_retired, stem_key, created_at,"
                    " updated_at) VALUES (1, 1, false, 'k', :now, :now)"
                ),
                {"now": NOW},
            )
            sql.execute(
                text(
                    "INSERT INTO question_versions (id, question_id, number, type, title, stem_md,"
                    " definition, explanation_md, difficulty, default_mark, source, created_at)"
                    " VALUES (1, 1, 1, 'true_false', '', '![](/files/inquestion/a.png)',"
                    " '{}', 'see <img src=\"/files/inexplanation/a.png\">', 3, 1, '', :now)"
                ),
                {"now": NOW},
            )
        upgrade()
        scopes = dict(db.session.execute(text("SELECT token, scope FROM uploads")).all())
    assert scopes == {"inquestion": "question", "inexplanation": "question", "acover": None}
