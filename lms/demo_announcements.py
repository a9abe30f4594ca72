"""Demo announcements (通知公告): one to everyone, pinned, asking for acknowledgement; one from
the leader of the first branch to the branch; one plain notice read by a member."""

from __future__ import annotations

from lms.accounts.models import User
from lms.accounts.services import org_units
from lms.notifications import announcements
from lms.notifications.announcements import AnnouncementDraft

STUDY_MONTH = """各位同志：

为深入学习贯彻党的创新理论，本月开展**主题学习月**活动，请大家：

1. 完成必修课程《新时代基层治理微课堂》的学习；
2. 每天参加一次每日一练；
3. 月底参加党史知识竞赛。

请阅读后点击“我已阅读并知晓”。"""

BRANCH_MEETING = """本周五 15:00 在三楼会议室召开支部党员大会，请第一支部全体党员准时参加。

议程：传达上级文件精神、学习讨论、现场答题。"""

SAFETY = "近期天气干燥，请大家注意办公场所用电安全，离开时关闭电源。"


def seed_announcements(organizer: User, leader: User, reader: User) -> None:
    """Flushes, never commits. ``leader`` leads 示范学院/第一支部; ``reader`` read the first."""
    branch = org_units.ensure_unit_path("示范学院/第一支部")
    safety = announcements.publish(organizer, AnnouncementDraft("安全用电提示", SAFETY))
    announcements.mark_read(reader, safety)
    announcements.publish(
        leader, AnnouncementDraft("关于召开支部党员大会的通知", BRANCH_MEETING, [branch.id])
    )
    announcements.publish(
        organizer,
        AnnouncementDraft(
            "关于开展主题学习月活动的通知", STUDY_MONTH, is_pinned=True, requires_ack=True
        ),
    )
