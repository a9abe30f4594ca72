"""Two servers behind nginx on one PostgreSQL and one Redis: nothing a user does on one server is
lost or contradicted on the other, and a server killed mid-round loses no acknowledged answer.

Runs on the PostgreSQL pass with Redis (``LMS_TEST_DATABASE_URL``, ``LMS_TEST_REDIS_URL``; both
set by ``.ci/run``), through nginx round-robin and against each server directly.
"""

from __future__ import annotations

import os
import random
import threading
import time
from typing import Any

import pytest
import requests
from sqlalchemy import func, select

from competitions.models import Competition
from competitions.services import registration
from courses.models import Course
from lms.accounts.models import Role, User
from lms.accounts.services import tokens
from question_bank.models import Question
from quizzes.models import Attempt, AttemptItem
from tests.conftest import BACKEND
from tests.factories import PASSWORD, UserFactory
from tests.integration.servers import SiteClient, kill_hard, two_servers
from tests.push_tier import nginx_in_front
from tests.quiz_factories import make_bank, make_quiz
from tests.unit.competitions.helpers import auto_quiz, running

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
AIKEN = b"What is 2+2?\nA. 3\nB. 4\nANSWER: B\n"
SAVERS = 30


@pytest.fixture
def backends() -> tuple[str, str]:
    database, redis_url = (
        os.environ.get("LMS_TEST_DATABASE_URL"),
        os.environ.get("LMS_TEST_REDIS_URL"),
    )
    if BACKEND != "postgresql" or not database or not redis_url:
        message = "two servers need the PostgreSQL pass with LMS_TEST_REDIS_URL"
        if os.environ.get("CI") == "true" and BACKEND == "postgresql":
            pytest.fail(message)
        pytest.skip(message)
    return database, redis_url


def _call(method: str, url: str, **kwargs: Any) -> requests.Response:
    kwargs.setdefault("timeout", 30)
    return requests.request(method, url, **kwargs)  # noqa: S113 - the timeout is set above


def _take_round(base: str, quiz_id: int, auth: dict[str, str]) -> None:
    """Start the round, answer every question and hand it in, through ``base``."""
    started = _call("POST", f"{base}/api/v1/quizzes/{quiz_id}/attempts", headers=auth)
    assert started.status_code in (200, 201), started.text
    attempt = started.json()
    _answer_all(base, attempt, auth)
    handed_in = _call("POST", f"{base}/api/v1/attempts/{attempt['id']}/submit", headers=auth)
    assert handed_in.status_code == 200, handed_in.text


def _bearer(user: User) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens.issue_api_token(user).secret}"}


def _board_names(base: str, competition_id: int, auth: dict[str, str]) -> list[str]:
    answer = _call(
        "GET", f"{base}/api/v1/competitions/{competition_id}/leaderboard", headers=auth, timeout=30
    )
    assert answer.status_code == 200, answer.text
    return [entry["name"] for entry in answer.json()["entries"]]


def test_two_servers_behind_nginx_keep_one_truth(app, db, tmp_path, backends):
    database, redis_url = backends
    UserFactory(username="admin", role=Role.ADMIN)
    member = UserFactory(username="member1", display_name="Member One")
    renamed = UserFactory(username="member2", display_name="Old Name")
    watcher = UserFactory(username="member3")
    late = UserFactory(username="member4")
    quiz = auto_quiz()
    competition = running([quiz])
    for person in (member, renamed, watcher, late):
        registration.register(person, competition)
    practice = make_quiz(make_bank(types=("single_choice",)), title="Autosave drill")
    savers = [UserFactory(username=f"saver{n}") for n in range(SAVERS)]
    auth = {user.id: _bearer(user) for user in [member, renamed, watcher, late, *savers]}
    db.session.commit()
    competition_id, quiz_id, practice_id = competition.id, quiz.id, practice.id

    with (
        two_servers(database, redis_url, tmp_path) as (a, b),
        nginx_in_front([a.address, b.address], tmp_path / "nginx") as tier,
    ):
        # Signed in on A, recognised on B.
        browser = SiteClient(a.url)
        browser.log_in("member1", PASSWORD)
        profile = browser.on(b.url).get("/profile")
        assert profile.status_code == 200 and "Member One" in profile.text

        # A cover uploaded through A is served by B.
        staff = SiteClient(a.url)
        staff.log_in("admin", PASSWORD)
        made = staff.submit(
            "/manage/courses/new", {"title": "Shared course"}, files={"cover_image": ("c.png", PNG)}
        )
        assert made.status_code == 302, made.text[:500]
        db.session.expire_all()
        course = db.session.scalar(select(Course).where(Course.title == "Shared course"))
        assert course is not None and course.cover is not None
        fetched = staff.on(b.url).get(f"/files/{course.cover.token}/c.png")
        assert fetched.status_code == 200 and fetched.content == PNG

        # A question import previewed on A is committed on B.
        preview = staff.submit(
            "/bank/import/", {"format": "aiken"}, files={"file": ("q.txt", AIKEN)}
        )
        assert preview.status_code == 200, preview.text[:500]
        done = staff.on(b.url).submit(
            "/bank/import/", page=preview.text, form="/bank/import/commit"
        )
        assert done.status_code == 302, done.text[:500]
        db.session.expire_all()
        assert db.session.scalar(select(func.count()).select_from(Question)) >= 1

        # A rename on A is on B's board at once (B read the board, with the old name, first).
        _take_round(a.url, quiz_id, auth[renamed.id])
        assert "Old Name" in _board_names(b.url, competition_id, auth[watcher.id])
        renaming = _call(
            "PATCH",
            f"{a.url}/api/v1/me",
            json={"display_name": "New Name"},
            headers=auth[renamed.id],
        )
        assert renaming.status_code == 200, renaming.text
        names = _board_names(b.url, competition_id, auth[watcher.id])
        assert "New Name" in names and "Old Name" not in names

        # A freeze switched on at A is honoured by B at once.
        manage = f"/manage/competitions/{competition_id}"
        frozen = staff.submit(manage, form=f"{manage}/freeze")
        assert frozen.status_code == 302
        _take_round(b.url, quiz_id, auth[member.id])
        for server in (a, b):
            assert "Member One" not in _board_names(server.url, competition_id, auth[watcher.id])

        # After A unpublishes the competition, B refuses a round start at once.
        assert (
            _call(
                "GET", f"{b.url}/api/v1/competitions/{competition_id}", headers=auth[late.id]
            ).status_code
            == 200
        )
        unpublished = staff.submit(manage, {"published": "0"}, form=f"{manage}/publish")
        assert unpublished.status_code == 302
        refused = _call("POST", f"{b.url}/api/v1/quizzes/{quiz_id}/attempts", headers=auth[late.id])
        assert refused.status_code in (404, 409), refused.text  # a draft runs no rounds
        hidden = _call(
            "GET", f"{b.url}/api/v1/competitions/{competition_id}", headers=auth[late.id]
        )
        assert hidden.status_code == 404

        # kill -9 of A while 30 members save answers through nginx: every acknowledged save stays.
        acknowledged = _save_while_killing(tier.base_url, practice_id, savers, auth, kill=a)

    db.session.expire_all()
    assert acknowledged, "no save was acknowledged"
    lost = []
    for (attempt_id, slot), sequence in acknowledged.items():
        stored = db.session.scalar(
            select(AttemptItem).where(
                AttemptItem.attempt_id == attempt_id, AttemptItem.slot == slot
            )
        )
        if stored is None or stored.sequence < sequence or stored.response is None:
            lost.append((attempt_id, slot, sequence, stored.sequence if stored else None))
    assert lost == []
    assert db.session.get(Competition, competition_id).is_published is False
    assert (
        db.session.scalar(
            select(func.count()).select_from(Attempt).where(Attempt.user_id == late.id)
        )
        == 0
    )


def _answer_all(base: str, attempt: dict[str, Any], auth: dict[str, str]) -> None:
    for item in attempt["items"]:
        answer = item["options"][0]["id"] if item.get("options") else True
        saved = _call(
            "PUT",
            f"{base}/api/v1/attempts/{attempt['id']}/answers/{item['slot']}",
            json={"answer": answer, "sequence": 1},
            headers=auth,
            timeout=30,
        )
        assert saved.status_code == 200, saved.text


def _save_while_killing(
    base: str, quiz_id: int, savers: list[User], auth: dict[int, dict[str, str]], *, kill: Any
) -> dict[tuple[int, int], int]:
    """Each saver starts the quiz, then saves answers with rising sequence numbers for 3 s; A is
    killed after 1 s. Returns the highest acknowledged sequence per (attempt, slot)."""
    attempts = []
    for user in savers:
        started = _call("POST", f"{base}/api/v1/quizzes/{quiz_id}/attempts", headers=auth[user.id])
        assert started.status_code in (200, 201), started.text
        attempts.append((user, started.json()))
    acknowledged: dict[tuple[int, int], int] = {}
    lock = threading.Lock()
    stop = threading.Event()

    def save(user: User, attempt: dict[str, Any]) -> None:
        http = requests.Session()
        sequence = 0
        while not stop.is_set():
            item = random.choice(attempt["items"])
            sequence += 1
            try:
                saved = http.put(
                    f"{base}/api/v1/attempts/{attempt['id']}/answers/{item['slot']}",
                    json={"answer": random.choice(item["options"])["id"], "sequence": sequence},
                    headers=auth[user.id],
                    timeout=10,
                )
            except requests.RequestException:
                continue
            if saved.status_code == 200:
                with lock:
                    key = (attempt["id"], item["slot"])
                    acknowledged[key] = max(acknowledged.get(key, 0), sequence)

    threads = [threading.Thread(target=save, args=pair) for pair in attempts]
    for thread in threads:
        thread.start()
    time.sleep(1)
    kill_hard(kill)
    time.sleep(2)
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    return acknowledged
