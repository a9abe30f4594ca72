"""The live round's data, through the real services: a host, the players, the questions, and
the session with everyone in its lobby; each player's session cookie, bearer token and player id
(whose bucket names the phone's channel, ``live.services.messages.player_channel``)."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select

from bench.competition_load.data import _app, _reset, _users
from live.services import joining, sessions
from live.services.sessions import SessionSettings
from lms.accounts.models import Role, User
from lms.accounts.services import tokens
from lms.core.extensions import db
from question_bank.services import categories, questions
from question_bank.services.questions import QuestionContent

SECRET_KEY = "bench-only-secret"  # noqa: S105 - bench.load.serve's


def _cookies(users: list[User]) -> list[str]:
    """Session cookies of these members, signed as the benchmark's gunicorn signs them."""
    signer = Flask("bench-cookies")
    signer.secret_key = SECRET_KEY
    serializer = signer.session_interface.get_signing_serializer(signer)  # type: ignore[attr-defined]
    return [
        serializer.dumps({"_user_id": f"{u.id}:{u.session_nonce}", "_fresh": False}) for u in users
    ]


def _questions(count: int) -> list[int]:
    category = categories.ensure_path("Bench/Live")
    return [
        questions.create_question(
            category,
            QuestionContent(
                type="single_choice",
                stem_md=f"Live question {n + 1}: which option is right?",
                definition={
                    "options": [{"id": key, "text": f"Option {key}"} for key in "abcd"],
                    "correct": "abcd"[n % 4],
                },
            ),
        ).id
        for n in range(count)
    ]


def prepare(
    url: str, redis_url: str | None, players: int, question_count: int
) -> tuple[Flask, dict[str, Any]]:
    app = _app(url, redis_url, "bench-live:")
    with app.app_context():
        _reset(url)
        host = _users("host", 1)[0]
        host.role = Role.ORGANIZER.value
        members = _users("phone", players)
        session = sessions.create_session(
            host,
            SessionSettings(title="Bench live round", scoring="speed"),
            question_ids=_questions(question_count),
        )
        player_ids = [joining.join(session.pin, user=member).id for member in members]
        db.session.commit()
        members = list(db.session.scalars(select(User).where(User.id.in_([m.id for m in members]))))
        bearers = [tokens.issue_api_token(member).secret for member in members]
        data = {
            "session_id": session.id,
            "host_token": tokens.issue_api_token(host).secret,
            "players": list(zip(_cookies(members), bearers, player_ids, strict=True)),
        }
        db.session.commit()
    return app, data
