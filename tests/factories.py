"""factory_boy factories for the models; they flush into the test's session."""

from __future__ import annotations

from typing import Any

import factory
from werkzeug.security import generate_password_hash

from lms.accounts.models import OrgUnit, User
from lms.core.extensions import db

PASSWORD = "password123"
_PASSWORD_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")


class _Base(factory.alchemy.SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"


class OrgUnitFactory(_Base):
    class Meta:
        model = OrgUnit

    name = factory.Sequence(lambda n: f"Unit {n}")
    parent = None
    path = factory.LazyAttribute(lambda o: f"{o.parent.path}/{o.name}" if o.parent else o.name)


class UserFactory(_Base):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.LazyAttribute(lambda o: o.username.title())
    password_hash = _PASSWORD_HASH
    role = "member"
    unit = factory.SubFactory(OrgUnitFactory)
    is_active = True

    @classmethod
    def _create(cls, model_class: type[User], *args: Any, **kwargs: Any) -> User:
        password = kwargs.pop("password", None)
        if password is not None:
            kwargs["password_hash"] = generate_password_hash(password, method="pbkdf2:sha256:1000")
        return super()._create(model_class, *args, **kwargs)
