"""The tour's group robot: one DingTalk robot on the first unit, so the robot pages list one."""

from __future__ import annotations

from sqlalchemy import select

from lms.accounts.models import OrgUnit
from lms.core.extensions import db
from lms.notifications.robots import services
from lms.notifications.robots.providers import Provider


def add_robot_tour_data() -> None:
    unit = db.session.scalars(select(OrgUnit).order_by(OrgUnit.id)).first()
    if unit is None:
        return
    services.add_webhook(
        unit,
        provider=Provider.DINGTALK,
        name="党员群 Members' group",
        url="https://oapi.dingtalk.com/robot/send?access_token=tour0000demo",
        secret="SECtour-not-a-real-secret",  # noqa: S106 - demo data
        kinds=services.ROBOT_KINDS,
        by=None,
    )
