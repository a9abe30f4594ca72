"""Reminders for 10,000 members: one ``lms send-reminders`` run, then the outbox drained by
``lms send-notifications`` into a local SMTP server while web requests are timed, with the
sender killed half-way and started again.

The site: 10,000 members with email addresses, a required course published just now (each is
told it was assigned) and due in two days (each is reminded), and a quiz for everyone that
opens in two hours: 30,000 notifications, 20,000 of them by email (the kinds members get by
email unless they choose otherwise). Measured, on SQLite (``LMS_BENCH_DATABASE_URL`` for
another database):

* the reminder run as cron starts it (a new process): target 60 s;
* while the sender drains the outbox, the median time of ``GET /api/v1/notifications`` (a
  member's list) and of ``/healthz`` from gunicorn, against the same before the drain: the
  ratio must stay near 1 (target <= 1.5);
* the sender is killed (SIGKILL) after a third of the emails and started again: every
  message must arrive once (0 twice). The message in flight when it was killed is failed as
  "not known to have arrived" rather than sent twice; the rest of the killed sender's batch
  waits for its lease (5 minutes) and is counted apart.

Run with ``.venv/bin/python -m bench.reminders`` (``LMS_BENCH_MEMBERS`` for another size).
"""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from flask import Flask
from sqlalchemy import func, insert, select
from werkzeug.security import generate_password_hash

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade

from bench.http_client import Client
from bench.load import free_port, serve
from courses.services import authoring
from lms.accounts.models import Role, User
from lms.accounts.services import org_units, tokens
from lms.app import create_app
from lms.core.clock import utcnow
from lms.core.extensions import db
from lms.notifications.models import Delivery, NotificationAddress
from question_bank.services import categories, questions
from question_bank.services.questions import QuestionContent
from quizzes.services import authoring as quiz_authoring
from quizzes.services.authoring import QuizSettings, SlotSpec

MEMBERS = int(os.environ.get("LMS_BENCH_MEMBERS", "10000"))
TARGET_SECONDS, TARGET_CHANGE = 60, 1.5
SAMPLES = 200
NICE = int(os.environ.get("LMS_BENCH_NICE", "10"))  # 0: the commands at the web's priority


class Sink:
    """The SMTP server: counts each Message-ID it receives."""

    def __init__(self) -> None:
        self.received: Counter[str] = Counter()
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.received[str(message["Message-ID"])] += 1
        return "250 Message accepted"

    @property
    def total(self) -> int:
        with self.lock:
            return sum(self.received.values())


def _populate() -> str:
    """The site described above; returns a member's API token."""
    groups = [org_units.ensure_unit_path(f"Bench/Branch {b}/Group {g}") for b in range(10)
              for g in range(5)]  # fmt: skip
    password = generate_password_hash("bench-password", method="pbkdf2:sha256:1000")
    db.session.execute(
        insert(User),
        [
            {
                "username": f"member{n}",
                "display_name": f"Member {n}",
                "password_hash": password,
                "role": Role.MEMBER.value,
                "unit_id": groups[n % len(groups)].id,
                "language": "en" if n % 4 == 0 else None,
            }
            for n in range(MEMBERS)
        ],
    )
    ids = db.session.scalars(select(User.id).where(User.role == Role.MEMBER.value)).all()
    db.session.execute(
        insert(NotificationAddress),
        [{"user_id": user_id, "email": f"m{user_id}@bench.example"} for user_id in ids],
    )
    now = utcnow()
    course = authoring.create_course(
        title="Rules of the organisation", is_required=True, due_at=now + timedelta(days=2)
    )
    module = authoring.add_module(course, title="Module")
    authoring.add_item(module, kind="lesson", title="Lesson", body_md="Text")
    authoring.set_published(course, True)
    question = questions.create_question(
        categories.ensure_path("Bench"),
        QuestionContent(type="true_false", stem_md="Is it?", definition={"correct": True}),
    )
    quiz = quiz_authoring.create_quiz(
        QuizSettings(title="Monthly quiz", opens_at=now + timedelta(hours=2)),
        [SlotSpec(question_id=question.id)],
    )
    quiz_authoring.set_published(quiz, True)
    member = db.session.get(User, ids[0])
    token = tokens.issue_api_token(member).secret
    db.session.commit()
    return token


def _command(env: dict[str, str], *args: str) -> subprocess.Popen[bytes]:
    """``flask lms ...`` as cron runs it: at the nice level the operations guide gives."""
    flask = str(Path(sys.executable).parent / "flask")
    return subprocess.Popen(  # noqa: S603 - our own command, fixed arguments
        ["/usr/bin/nice", "-n", str(NICE), flask, "--app", "wsgi", "lms", *args],
        cwd=ROOT, env=env, stdout=subprocess.PIPE,
    )  # fmt: skip


def _sample(base: str, token: str, stop: threading.Event, most: int) -> dict[str, list[float]]:
    """Alternate a member's notification list and /healthz until ``stop`` or ``most`` each."""
    member, bare = Client(base, token=token), Client(base)
    times: dict[str, list[float]] = {"list": [], "healthz": []}
    while not stop.is_set() and len(times["list"]) < most:
        for name, client, path in (("list", member, "/api/v1/notifications?per_page=20"),
                                   ("healthz", bare, "/healthz")):  # fmt: skip
            start = time.perf_counter()
            response = client.get(path)
            times[name].append((time.perf_counter() - start) * 1000)
            if not response.ok:
                raise RuntimeError(f"{path} answered {response.status_code}")
        time.sleep(0.05)  # a person's pace, not a load test
    return times


def _ratio(times: dict[str, list[float]]) -> tuple[float, float, float]:
    page, bare = statistics.median(times["list"]), statistics.median(times["healthz"])
    return page, bare, page / bare


def _outbox(app: Flask) -> dict[str, int]:
    with app.app_context():
        rows = db.session.execute(select(Delivery.state, func.count()).group_by(Delivery.state))
        return {state: count for state, count in rows}


@dataclass
class Drain:
    seconds: float
    killed_at: int
    idle: dict[str, list[float]]
    during: dict[str, list[float]]


def _drain(env: dict[str, str], base: str, token: str, sink: Sink, emails: int) -> Drain:
    """Send the outbox while timing requests; kill the sender after a third, start it again."""
    idle = _sample(base, token, threading.Event(), SAMPLES)
    stop = threading.Event()
    during: dict[str, list[float]] = {}
    sampler = threading.Thread(target=lambda: during.update(_sample(base, token, stop, 10**9)))
    start = time.perf_counter()
    sender = _command(env, "send-notifications")
    sampler.start()
    while sink.total < emails // 3 and sender.poll() is None:
        time.sleep(0.05)
    sender.send_signal(signal.SIGKILL)
    sender.wait()
    killed_at = sink.total
    _command(env, "send-notifications").communicate()
    seconds = time.perf_counter() - start
    stop.set()
    sampler.join()
    return Drain(seconds, killed_at, idle, during)


def _report(
    output: str, queued_seconds: float, emails: int, drain: Drain, *, sink: Sink,
    states: dict[str, int],
) -> None:  # fmt: skip
    twice = sum(1 for count in sink.received.values() if count > 1)
    idle_page, idle_bare, idle_ratio = _ratio(drain.idle)
    page, bare, ratio = _ratio(drain.during)
    change = ratio / idle_ratio
    ok = queued_seconds <= TARGET_SECONDS and twice == 0 and change <= TARGET_CHANGE
    outbox = ", ".join(f"{state} {count:,}" for state, count in sorted(states.items()))
    rows = [
        ("`send-reminders`, one run (a new process, as cron starts it)",
         f"{queued_seconds:.1f} s", f"<= {TARGET_SECONDS} s"),
        ("emails queued", f"{emails:,}", ""),
        ("outbox drained by `send-notifications` (killed once, started again)",
         f"{drain.seconds:.0f} s", ""),
        ("emails received when the sender was killed", f"{drain.killed_at:,}", ""),
        ("emails received / received twice", f"{sink.total:,} / {twice}", "twice = 0"),
        ("outbox after the restart", outbox, ""),
        ("`/api/v1/notifications` / `/healthz` median, before the drain",
         f"{idle_page:.1f} / {idle_bare:.1f} ms = {idle_ratio:.2f}x", ""),
        ("the same while the outbox drains",
         f"{page:.1f} / {bare:.1f} ms = {ratio:.2f}x ({len(drain.during['list'])} pairs)", ""),
        ("change of the ratio", f"{change:.2f}x", f"<= {TARGET_CHANGE}x"),
    ]  # fmt: skip
    print(f"## Reminders: {MEMBERS:,} members ({output})\n")
    print("| measure | value | target |")
    print("|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print(f"\nverdict: {'ok' if ok else 'MISSED'}")


def main() -> None:
    folder = tempfile.mkdtemp(prefix="lms-bench-reminders-")
    url = os.environ.get("LMS_BENCH_DATABASE_URL") or f"sqlite:///{folder}/bench.sqlite3"
    app = create_app("production", DATABASE_URL=url, SECRET_KEY="bench-only-secret")
    with app.app_context():
        upgrade()
        token = _populate()
    sink = Sink()
    smtp_port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    env = dict(
        os.environ, LMS_ENV="production", LMS_SECRET_KEY="bench-only-secret",
        LMS_DATABASE_URL=url, LMS_INSTANCE_PATH=folder, LMS_SMTP_HOST="127.0.0.1",
        LMS_SMTP_PORT=str(smtp_port), LMS_SMTP_SECURITY="none", LMS_ACCESS_LOG="false",
    )  # fmt: skip
    env.pop("LMS_REDIS_URL", None)
    start = time.perf_counter()
    output = _command(env, "send-reminders").communicate()[0].decode().strip()
    queued_seconds = time.perf_counter() - start
    emails = _outbox(app).get("pending", 0)
    server, base = serve(url, folder, workers=2, threads=4, extra_env=env)
    try:
        drain = _drain(env, base, token, sink, emails)
    finally:
        server.terminate()
        server.wait()
        controller.stop()
    _report(output, queued_seconds, emails, drain, sink=sink, states=_outbox(app))


if __name__ == "__main__":
    main()
