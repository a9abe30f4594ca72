"""JSON API for competitions and leaderboards (DESIGN.md section 6), on the pages' services."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from competitions.api_schemas import (
    COMPETITION_INPUT,
    COMPETITION_SCHEMA,
    LEADERBOARD_SCHEMA,
    LIST_SCHEMA,
    REGISTRATION_SCHEMA,
)
from competitions.models import Competition, Entry, Registration, UnitMetric
from competitions.permissions import can_manage_competitions, can_see_competition
from competitions.services import audience, authoring, leaderboards, registration, stages
from competitions.services.authoring import CompetitionSettings
from competitions.services.standings import people_key
from lms.accounts import permissions
from lms.accounts.services.org_units import units_by_paths
from lms.core.api import (
    PAGING,
    BadRequestError,
    documented,
    iso,
    json_body,
    optional_flag,
    page_args,
    require_moment,
    require_string,
    string_list,
)
from lms.core.errors import NotFoundError, ValidationError
from lms.core.extensions import db
from lms.core.http import parse_id
from lms.core.markup import render_markdown
from lms.core.ranking import get_ranking
from quizzes.models import Quiz
from quizzes.permissions import can_manage_quiz

bp = Blueprint("competitions_api", __name__)

TAGS = ("competitions",)
MAX_LIMIT = 200


# -- reading the request ---------------------------------------------------------------------


def _integer(data: dict[str, Any], key: str, default: int) -> int:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadRequestError(_("“%(key)s” must be a whole number.", key=key), field=key)
    return value


def _quizzes(data: dict[str, Any]) -> list[Quiz]:
    ids = data.get("quiz_ids")
    if not isinstance(ids, list) or not all(
        isinstance(i, int) and not isinstance(i, bool) for i in ids
    ):
        raise BadRequestError(_("“quiz_ids” must be a list of quiz ids."), field="quiz_ids")
    found = {q.id: q for q in db.session.scalars(select(Quiz).where(Quiz.id.in_(ids)))}
    for quiz_id in ids:
        quiz = found.get(quiz_id)
        if quiz is None or not can_manage_quiz(current_user, quiz):
            raise ValidationError(_("There is no quiz %(id)s.", id=quiz_id), field="quiz_ids")
    return [found[i] for i in ids]


def _settings(data: dict[str, Any]) -> CompetitionSettings:
    rules = data.get("rules", "")
    if not isinstance(rules, str):
        raise BadRequestError(_("“rules” must be a string."), field="rules")
    metric = data.get("unit_metric", UnitMetric.AVERAGE.value)
    if not isinstance(metric, str):
        raise BadRequestError(_("“unit_metric” must be a string."), field="unit_metric")
    return CompetitionSettings(
        title=require_string(data, "title", max_length=200),
        rules_md=rules,
        registration_opens_at=require_moment(data, "registration_opens_at"),
        starts_at=require_moment(data, "starts_at"),
        ends_at=require_moment(data, "ends_at"),
        unit_metric=metric,
        min_participants=_integer(data, "min_participants", 3),
        unit_depth=_integer(data, "unit_depth", 2),
        freeze_minutes=_integer(data, "freeze_minutes", 0),
        certificate_top_n=_integer(data, "certificate_top_n", 3),
        units=units_by_paths(string_list(data, "units")),
    )


def _visible(competition_id: int) -> Competition:
    """The competition if the user may see it; a draft or another unit's is a 404."""
    competition = db.session.get(Competition, competition_id)
    if competition is None or not can_see_competition(current_user, competition):
        raise NotFoundError(_("This competition does not exist."))
    return competition


# -- shaping the answer ----------------------------------------------------------------------


def _summary(competition: Competition, registered: bool) -> dict[str, Any]:
    return {
        "id": competition.id,
        "title": competition.title,
        "stage": stages.stage_of(competition).value,
        "published": competition.is_published,
        "registration_opens_at": iso(competition.registration_opens_at),
        "starts_at": iso(competition.starts_at),
        "ends_at": iso(competition.ends_at),
        "registered": registered,
    }


def _my_entry(competition: Competition) -> dict[str, Any] | None:
    entry = db.session.scalar(
        select(Entry).where(
            Entry.competition_id == competition.id, Entry.user_id == current_user.id
        )
    )
    if entry is None:
        return None
    ranked = get_ranking().rank_of(people_key(competition.id), current_user.id)
    return {
        "rank": ranked.rank if ranked is not None else None,
        "score": entry.score,
        "max_score": entry.max_score,
        "time_used_seconds": entry.time_used_seconds,
        "submitted_at": iso(entry.submitted_at),
        "rounds_done": entry.rounds_done,
        "disqualified": entry.disqualified_at is not None,
        "disqualified_reason": entry.disqualified_reason or None,
    }


def _detail(competition: Competition) -> dict[str, Any]:
    body = _summary(competition, registration.is_registered(current_user, competition))
    body.update(
        rules_html=str(render_markdown(competition.rules_md)),
        unit_metric=competition.unit_metric,
        min_participants=competition.min_participants,
        unit_depth=competition.unit_depth,
        freeze_minutes=competition.freeze_minutes,
        freeze_at=iso(stages.freeze_at(competition)),
        frozen=stages.is_frozen(competition),
        results_published_at=iso(competition.results_published_at),
        units=[unit.path for unit in competition.units],
        rounds=[
            {"quiz_id": r.quiz_id, "title": r.quiz.title, "position": r.position}
            for r in competition.rounds
        ],
        participants=registration.participants_count(competition),
        eligible=stages.is_eligible(current_user, competition),
        entry=_my_entry(competition),
    )
    return body


def _json_bytes(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def _with_viewer(body: bytes, extra: dict[str, Any]) -> bytes:
    """The cached public board with the viewer's own fields added, without re-encoding it."""
    if not extra:
        return body
    return body[:-1] + b"," + _json_bytes(extra)[1:]


def _private_json(payload: bytes) -> Response:
    """A viewer's own answer, with an ETag of its bytes: a poll that changed nothing gets 304."""
    response = Response(payload, mimetype="application/json")
    response.set_etag(hashlib.blake2b(payload, digest_size=16).hexdigest())
    response.cache_control.private = True
    response.cache_control.no_cache = True
    if request.if_none_match:
        response.make_conditional(request)
    return response


# -- endpoints -------------------------------------------------------------------------------


@bp.route("/competitions", methods=["POST"])
@permissions.staff
@documented(
    "Create a competition over quizzes (organizers, admins)",
    request_schema=COMPETITION_INPUT,
    response_schema=COMPETITION_SCHEMA,
    tags=TAGS,
    status=201,
)
def create_competition() -> Any:
    data = json_body()
    published = optional_flag(data, "published", False)
    competition = authoring.create_competition(
        _settings(data), _quizzes(data), created_by=current_user
    )
    if published:
        authoring.set_published(competition, True)
    db.session.commit()
    return jsonify(_detail(competition)), 201


@bp.route("/competitions")
@permissions.authenticated
@documented(
    "Competitions the current user may enter (managers: all of them)",
    response_schema=LIST_SCHEMA,
    tags=TAGS,
    query=PAGING,
)
def list_competitions() -> Any:
    page, per_page = page_args()
    if can_manage_competitions(current_user):
        found = list(
            db.session.scalars(
                select(Competition)
                .options(selectinload(Competition.units))
                .order_by(Competition.starts_at, Competition.id)
            )
        )
    else:
        found = stages.visible_to(current_user)
    mine = set(
        db.session.scalars(
            select(Registration.competition_id).where(Registration.user_id == current_user.id)
        )
    )
    chosen = found[(page - 1) * per_page : page * per_page]
    return jsonify({"items": [_summary(c, c.id in mine) for c in chosen], "total": len(found)})


@bp.route("/competitions/<int:competition_id>")
@permissions.authenticated
@documented(
    "A competition: its stage, rules, rounds and the current user's entry",
    response_schema=COMPETITION_SCHEMA,
    tags=TAGS,
)
def get_competition(competition_id: int) -> Any:
    return jsonify(_detail(_visible(competition_id)))


@bp.route("/competitions/<int:competition_id>/register", methods=["POST"])
@permissions.authenticated
@documented(
    "Register the current user (idempotent; open during registration and while running)",
    response_schema=REGISTRATION_SCHEMA,
    tags=TAGS,
)
def register(competition_id: int) -> Any:
    competition = _visible(competition_id)
    done = registration.register(current_user, competition)
    db.session.commit()
    return jsonify({"registered": True, "registered_at": iso(done.registered_at)})


@bp.route("/competitions/<int:competition_id>/leaderboard")
@permissions.authenticated
@documented(
    "The leaderboard of people or units (?scope=people|units&limit=&around=me); frozen "
    "near the end, when ``me`` still shows the user's live standing",
    response_schema=LEADERBOARD_SCHEMA,
    tags=TAGS,
    query={
        "scope": {"type": "string", "enum": ["people", "units"], "default": "people"},
        "limit": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": 50},
        "around": {"type": "string", "enum": ["me"], "description": "add my neighbours"},
    },
)
def leaderboard(competition_id: int) -> Any:
    # The competition's facts come from a per-process copy (``audience``), the public board from
    # bytes cached by board version; only the viewer's own row is looked up for this request.
    facts = audience.facts_of(competition_id)
    if facts is None or not audience.can_see(current_user, facts):
        raise NotFoundError(_("This competition does not exist."))
    scope = request.args.get("scope", "people")
    if scope not in ("people", "units"):
        raise BadRequestError(_("“scope” must be people or units."), field="scope")
    raw_limit = request.args.get("limit", "50")
    limit = parse_id(raw_limit) or 0
    if not 1 <= limit <= MAX_LIMIT:
        raise BadRequestError(
            _("“limit” must be a number from 1 to %(max)s.", max=MAX_LIMIT), field="limit"
        )
    around = request.args.get("around")
    if around not in (None, "", "me"):
        raise BadRequestError(_("“around” can only be “me”."), field="around")
    max_age = float(current_app.config["LEADERBOARD_API_MAX_AGE_SECONDS"])
    body = leaderboards.board_bytes(facts, scope, limit, max_age=max_age)
    extra: dict[str, Any] = {}
    if scope == "people":
        me, neighbours = leaderboards.viewer_rows(
            facts.id, current_user, frozen=facts.is_frozen(), around=around == "me"
        )
        extra["me"] = leaderboards.people_json(me) if me else None
        if around == "me":
            extra["neighbours"] = [leaderboards.people_json(r) for r in neighbours]
    return _private_json(_with_viewer(body, extra))
