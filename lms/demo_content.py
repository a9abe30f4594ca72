"""Demo courses for ``lms seed-demo``: member education in a public institution, bilingual."""

from __future__ import annotations

from datetime import timedelta

from courses.models import Course, ItemProgress
from courses.services import activities, authoring, enrolment
from courses.services.study_hours import credit_item
from lms.accounts.models import User
from lms.accounts.services import org_units
from lms.core.clock import utcnow
from lms.core.extensions import db
from lms.points.services import award
from question_bank.services.importing import import_questions

COURSES = [
    {
        "title": "新时代基层治理微课堂",
        "summary": "面向全体成员的**必修**微课：每课 3–8 分钟，利用碎片时间学完。\n\n"
        "*Micro lessons on community governance, 3–8 minutes each.*",
        "tags": ["基层治理", "必修"],
        "units": ["示范学院/第一支部"],
        "required": True,
        "modules": [
            (
                "第一单元 认识基层治理",
                [
                    (
                        "什么是基层治理",
                        3,
                        "基层治理是国家治理的基础。\n\n- 贴近群众\n- 解决身边事\n- 共建共治共享",
                    ),
                    (
                        "网格化管理入门",
                        5,
                        (
                            "## 网格员的一天\n\n| 时间 | 工作 |\n|---|---|\n"
                            "| 上午 | 走访住户 |\n| 下午 | 调解纠纷 |"
                        ),
                    ),
                ],
            ),
            (
                "第二单元 服务群众",
                [
                    ("倾听群众的声音", 4, "> 群众的事无小事。\n\n学会**倾听**，再提出办法。"),
                    ("接诉即办的流程", 6, "1. 受理\n2. 派单\n3. 办理\n4. 回访"),
                ],
            ),
            (
                "第三单元 案例分析",
                [
                    (
                        "老旧小区加装电梯",
                        8,
                        "某小区通过协商议事会，三个月内完成加装电梯的意见征集。",
                    ),
                ],
            ),
        ],
    },
    {
        "title": "Public Service Ethics · 公职人员职业道德",
        "summary": "A bilingual course on integrity and service. 中英双语课程：廉洁与服务。",
        "tags": ["职业道德", "Ethics"],
        "units": [],
        "required": False,
        "modules": [
            (
                "Module 1 · 廉洁从业",
                [
                    (
                        "Integrity in daily work · 日常工作中的廉洁",
                        5,
                        "Integrity starts with small things.\n\n廉洁从小事做起：不收礼、不吃请。",
                    ),
                    (
                        "Conflicts of interest · 利益冲突",
                        6,
                        "Declare a conflict **before** you decide.\n\n作出决定前，先申报利益冲突。",
                    ),
                ],
            ),
            (
                "Module 2 · 服务意识",
                [
                    (
                        "Serving the public · 为民服务",
                        4,
                        "Be clear, be kind, be quick.\n\n说清楚、态度好、办得快。",
                    ),
                ],
            ),
            (
                "Module 3 · 自我提升",
                [
                    (
                        "Learning every day · 每天学一点",
                        3,
                        "Ten minutes a day adds up.\n\n每天十分钟，积少成多。",
                    ),
                ],
            ),
        ],
    },
]


def seed_courses(admin: User, organizer: User) -> list[Course]:
    created = []
    for spec in COURSES:
        course = authoring.create_course(
            title=spec["title"],
            summary_md=spec["summary"],
            tags=spec["tags"],
            units=[org_units.ensure_unit_path(path) for path in spec["units"]],
            is_required=spec["required"],
            due_at=utcnow() + timedelta(days=30) if spec["required"] else None,
            editors=[organizer],
            created_by=admin,
        )
        for number, (module_title, lessons) in enumerate(spec["modules"]):
            module = authoring.add_module(
                course, title=module_title, requires_previous=number == len(spec["modules"]) - 1
            )
            for title, minutes, body in lessons:
                authoring.add_item(
                    module, kind="lesson", title=title, body_md=body, minutes=minutes
                )
        authoring.set_published(course, True)
        created.append(course)
    return created


def seed_activities(course: Course) -> None:
    """An expert talk today (check-in open now) and a film screening next week."""
    module = course.modules[1]
    now = utcnow().replace(second=0, microsecond=0)
    activities.add_activity(
        module,
        title="专家讲座：基层治理的数字化转型",
        description_md="邀请**市委党校**专家授课，欢迎提问。\n\n*Expert talk, digital governance.*",
        kind="expert_talk",
        starts_at=now - timedelta(minutes=10),
        ends_at=now + timedelta(hours=2),
        place="学院报告厅 Lecture hall",
        capacity=80,
    )
    activities.add_activity(
        module,
        title="观影：《焦裕禄》",
        description_md="集体观看红色电影，观后交流心得。",
        kind="film_screening",
        starts_at=now + timedelta(days=7),
        ends_at=now + timedelta(days=7, hours=2),
        place="多功能厅",
        capacity=None,
    )


def seed_progress(member: User, course: Course, lessons: int) -> None:
    """``member`` has completed the first ``lessons`` lessons of ``course``, some days ago."""
    enrolment.enrol(member, course)
    items = [item for module in course.modules for item in module.items][:lessons]
    start = utcnow() - timedelta(days=3)
    for offset, item in enumerate(items):
        opened = start + timedelta(hours=offset)
        db.session.add(
            ItemProgress(item_id=item.id, user_id=member.id, opened_at=opened,
                         completed_at=opened + timedelta(minutes=item.minutes))
        )  # fmt: skip
        award(member, "lesson_completed", source_type="course_item", source_id=item.id,
              reason=item.title)  # fmt: skip
        credit_item(member, item)
    db.session.flush()


DEMO_GIFT = """$CATEGORY: 党史/建党时期

::一大::中国共产党第一次全国代表大会在哪里开幕？{
=上海 ~北京 ~广州 ~嘉兴
####一大在上海开幕，后转移到嘉兴南湖。
}

::成立::中国共产党成立于{=1921 =一九二一}年。

::遵义::遵义会议于1935年召开。{T}

$CATEGORY: 法规/党章

::党员权利::下列属于党员权利的有：{~%50%参加党的有关会议 ~%50%对党的工作提出建议 ~%-100%不缴纳党费}

::心得::结合工作实际，谈谈你对“为人民服务”的理解。{}
"""


def seed_questions(organizer: User) -> None:
    import_questions(DEMO_GIFT.encode(), "gift", by=organizer)
