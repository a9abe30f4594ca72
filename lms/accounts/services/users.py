"""Creating, changing, finding and deactivating users."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import Select, func, or_, select

from lms.accounts.models import ROLE_VALUES, OrgUnit, Role, User
from lms.accounts.services.passwords import check_password_policy, hash_password
from lms.accounts.services.sessions import end_everything
from lms.accounts.signals import unit_assigned
from lms.core.errors import ConflictError, NotFoundError, ValidationError
from lms.core.extensions import db
from lms.core.text import check_plain_text

USERNAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$")
SUPPORTED_LANGUAGES = ("zh_Hans", "en")


def normalise_username(username: str) -> str:
    return (username or "").strip().lower()


def check_username(username: str) -> str:
    username = normalise_username(username)
    if not USERNAME_RE.match(username):
        raise ValidationError(
            _(
                "A username has 2 to 64 letters, digits or . _ @ - and starts with a letter "
                "or digit."
            ),
            field="username",
        )
    return username


def check_role(role: str) -> str:
    if role not in ROLE_VALUES:
        raise ValidationError(
            _("Unknown role “%(role)s”: use member, organizer or admin.", role=role), field="role"
        )
    return role


def check_display_name(display_name: str) -> str:
    display_name = " ".join((display_name or "").split())
    if not display_name:
        raise ValidationError(_("The display name is required."), field="display_name")
    if len(display_name) > 100:
        raise ValidationError(
            _("The display name has at most 100 characters."), field="display_name"
        )
    return check_plain_text(display_name, field="display_name")


def check_language(language: str | None) -> str | None:
    if language in (None, ""):
        return None
    if language not in SUPPORTED_LANGUAGES:
        raise ValidationError(_("Unsupported language."), field="language")
    return language


def user_by_username(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == normalise_username(username)))


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFoundError(_("This user does not exist."))
    return user


def create_user(
    *,
    username: str,
    password: str,
    unit: OrgUnit,
    display_name: str | None = None,
    role: str = Role.MEMBER.value,
    language: str | None = None,
) -> User:
    if user_by_username(username) is not None:
        name = normalise_username(username)
        raise ConflictError(
            _("The username “%(username)s” is already taken.", username=name), field="username"
        )
    user = build_user(
        username=username,
        password=password,
        unit=unit,
        display_name=display_name,
        role=role,
        language=language,
    )
    db.session.add(user)
    db.session.flush()
    unit_assigned.send(users=[user])
    return user


def build_user(
    *,
    username: str,
    password: str,
    unit: OrgUnit,
    display_name: str | None = None,
    role: str = Role.MEMBER.value,
    language: str | None = None,
) -> User:
    """A checked, unsaved user; the caller has made sure the username is free."""
    username = check_username(username)
    check_password_policy(password, username=username)
    return User(
        username=username,
        display_name=check_display_name(display_name or username),
        password_hash=hash_password(password),
        role=check_role(role),
        unit=unit,
        language=check_language(language),
    )


def update_user(
    user: User,
    *,
    display_name: str,
    role: str,
    unit: OrgUnit,
    language: str | None,
    acting: User | None = None,
) -> User:
    role = check_role(role)
    if acting is not None and acting.id == user.id and role != user.role:
        raise ValidationError(_("You cannot change your own role."), field="role")
    moved = user.unit_id != unit.id
    user.display_name = check_display_name(display_name)
    user.role = role
    user.unit = unit
    user.language = check_language(language)
    db.session.flush()
    if moved:
        unit_assigned.send(users=[user])
    return user


def update_profile(user: User, *, display_name: str, language: str | None) -> User:
    user.display_name = check_display_name(display_name)
    user.language = check_language(language)
    db.session.flush()
    return user


def set_active(user: User, active: bool, *, acting: User | None = None) -> User:
    """Deactivating ends the user's sessions and revokes their API tokens at once."""
    if not active and acting is not None and acting.id == user.id:
        raise ValidationError(_("You cannot deactivate your own account."))
    user.is_active = active
    if not active:
        end_everything(user)
    db.session.flush()
    return user


@dataclass(frozen=True)
class UserFilter:
    text: str = ""
    role: str = ""
    unit_id: int | None = None
    include_below: bool = True
    active: str = ""  # "", "yes" or "no"


def user_query(filters: UserFilter) -> Select[tuple[User]]:
    query = select(User).join(User.unit)
    if filters.text:
        like = f"%{filters.text.strip().lower()}%"
        query = query.where(
            or_(func.lower(User.username).like(like), func.lower(User.display_name).like(like))
        )
    if filters.role:
        query = query.where(User.role == filters.role)
    if filters.unit_id:
        unit = db.session.get(OrgUnit, filters.unit_id)
        if unit is not None:
            if filters.include_below:
                prefix = unit.path + "/"
                query = query.where(
                    or_(
                        OrgUnit.id == unit.id,
                        func.substr(OrgUnit.path, 1, len(prefix)) == prefix,
                    )
                )
            else:
                query = query.where(User.unit_id == unit.id)
    if filters.active == "yes":
        query = query.where(User.is_active.is_(True))
    elif filters.active == "no":
        query = query.where(User.is_active.is_(False))
    return query.order_by(User.username)
