"""Importing 10,000 questions from Excel, Aiken and Moodle XML: time and peak memory; and
checking Moodle XML files of 1,000 to 10,000 questions, whose time per question must not grow
(it was quadratic: the file was rescanned for each question's line).

Target: under 20 s and under 300 MB each on the 2-core reference machine. Run with
``.venv/bin/python -m bench.question_import``; ``make bench`` runs it after the page benchmark.
"""

from __future__ import annotations

import io
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from openpyxl import Workbook

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade

from lms.app import create_app
from lms.core.extensions import db
from question_bank.services.importing import import_questions, preview

COUNT = int(os.environ.get("LMS_BENCH_QUESTIONS", "10000"))
TARGET_SECONDS, TARGET_MB = 20, 300


def _xlsx() -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(
        [
            "题型",
            "题干",
            "选项A",
            "选项B",
            "选项C",
            "选项D",
            "答案",
            "解析",
            "难度",
            "分值",
            "标签",
            "分类",
        ]
    )
    for n in range(COUNT):
        sheet.append(
            [
                "单选",
                f"第 {n} 题：下列哪一项正确？",
                "甲",
                "乙",
                "丙",
                "丁",
                "ABCD"[n % 4],
                "解析",
                1 + n % 5,
                1,
                f"标签{n % 20}",
                f"基准/分类{n % 50}",
            ]
        )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _aiken() -> bytes:
    blocks = [
        f"第 {n} 题：下列哪一项正确？\nA. 甲\nB. 乙\nC. 丙\nD. 丁\nANSWER: {'ABCD'[n % 4]}"
        for n in range(COUNT)
    ]
    return "\n\n".join(blocks).encode()


def _moodle_xml(count: int = COUNT) -> bytes:
    questions = [
        f'<question type="multichoice"><name><text>第{n}题</text></name>'
        f'<questiontext format="html"><text><![CDATA[<p>第 {n} 题：下列哪一项正确？</p>]]>'
        f"</text></questiontext><single>true</single>"
        + "".join(
            f'<answer fraction="{100 if i == n % 4 else 0}"><text>{text}</text></answer>'
            for i, text in enumerate("甲乙丙丁")
        )
        + "</question>"
        for n in range(count)
    ]
    body = "\n".join(questions)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n{body}\n</quiz>\n'.encode()


def _run(app, fmt: str, data: bytes) -> tuple[float, float]:
    with app.app_context():
        start = time.perf_counter()
        created = import_questions(data, fmt, "基准")
        db.session.commit()
        elapsed = time.perf_counter() - start
        assert len(created) == COUNT
        db.session.remove()
    # Memory in a second, traced run: tracing slows Python down, so it is not timed.
    with app.app_context():
        tracemalloc.start()
        import_questions(data, fmt, "基准二")
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        db.session.rollback()
        db.session.remove()
    return elapsed, peak / 1024 / 1024


def main() -> None:
    rows = []
    for fmt, make in (("xlsx", _xlsx), ("aiken", _aiken), ("moodle-xml", _moodle_xml)):
        folder = tempfile.mkdtemp()
        app = create_app("testing", DATABASE_URL=f"sqlite:///{folder}/bench.sqlite3")
        with app.app_context():
            upgrade()
        seconds, peak = _run(app, fmt, make())
        rows.append((fmt, seconds, peak))
    sizes = []
    with app.app_context():
        for size in (1000, 2000, 4000, 10000):
            data = _moodle_xml(size)
            start, cpu = time.perf_counter(), time.process_time()
            assert len(preview(data, "moodle-xml", "基准").questions) == size
            sizes.append((size, time.perf_counter() - start, time.process_time() - cpu))
        db.session.remove()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"importing {COUNT} questions (targets: {TARGET_SECONDS} s, {TARGET_MB} MB)")
    print(f"{'format':<12}{'seconds':>10}{'peak MB (Python)':>18}  verdict")
    for fmt, seconds, peak in rows:
        verdict = "ok" if seconds <= TARGET_SECONDS and peak <= TARGET_MB else "SLOW"
        print(f"{fmt:<12}{seconds:>10.1f}{peak:>18.1f}  {verdict}")
    print("checking Moodle XML (the preview: parse and validate, nothing stored)")
    print(f"{'questions':<12}{'seconds':>10}{'CPU seconds':>14}{'CPU ms per question':>22}")
    for size, seconds, cpu in sizes:
        print(f"{size:<12}{seconds:>10.2f}{cpu:>14.2f}{cpu / size * 1000:>22.3f}")
    print(f"process peak resident memory: {rss:.0f} MB")


if __name__ == "__main__":
    main()
