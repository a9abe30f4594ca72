"""Certificates print every name in full (rare characters too), the issuer and the date."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from competitions import certificates
from competitions.services import results
from lms.accounts.services import certificate_settings
from lms.core import pdf
from lms.core.extensions import db
from tests.factories import UserFactory
from tests.formfill import submit_form
from tests.unit.competitions.test_results import finished_competition

# Names people really have: characters outside GB 2312, in the basic block and in Extension A.
RARE_NAMES = ["李堃喆", "王珺瑶", "张燚", "陈昇", "刘禕", "赵玥", "孙瑄", "刘䶮", "周喆堃", "钱镕"]
# Extension B, printed through a fallback font (Debian's fonts-hanazono by default).
EXTENSION_B_NAMES = ["𠮷田", "王𡒄", "陈𨱏"]
HANAZONO = Path("/usr/share/fonts/truetype/hanazono/HanaMinB.ttf")


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "".join("".join(page.extract_text().split()) for page in reader.pages)


def _published(names: list[str]) -> Any:
    standings = [(f"user{index}", 9 - index * 0.1, 100, 10) for index in range(len(names))]
    competition, users = finished_competition(standings, top_n=len(names), title="安全知识竞赛")
    for index, name in enumerate(names):
        users[f"user{index}"].display_name = name
    db.session.flush()
    results.publish_results(competition, UserFactory(role="organizer"))
    db.session.commit()
    return competition


def test_every_rare_name_is_printed_whole(client, db, login_as, clock, organizer):
    competition = _published(RARE_NAMES)
    login_as(organizer)

    response = client.get(f"/competitions/{competition.id}/certificates.pdf")

    text = _pdf_text(response.data)
    for name in RARE_NAMES:
        assert name in text
    assert pdf.uncovered_characters(RARE_NAMES) == set()


def test_extension_b_names_use_the_fallback_font(client, db, login_as, clock, organizer):
    if not HANAZONO.is_file():
        if os.environ.get("CI") == "true":
            pytest.fail("CI must install fonts-hanazono (the Extension B fallback)")
        pytest.skip("fonts-hanazono is not installed")
    competition = _published(EXTENSION_B_NAMES)
    login_as(organizer)

    response = client.get(f"/competitions/{competition.id}/certificates.pdf")

    text = _pdf_text(response.data)
    for name in EXTENSION_B_NAMES:
        assert name in text


def test_a_character_no_font_draws_is_logged_not_dropped_silently(app, db, clock, caplog):
    app.config["CERTIFICATE_FALLBACK_FONTS"] = []
    competition = _published(["王𡒄"])
    with app.test_request_context():
        assert pdf.uncovered_characters(["王𡒄"]) == {"𡒄"}
        certificates.certificates_pdf(
            results.certificates(competition),
            title=competition.title,
            settings=certificate_settings.current(),
        )
    assert "U+21484" in caplog.text


def test_the_certificate_names_the_issuer_and_the_date(client, db, login_as, clock, admin):
    competition = _published(["李堃喆"])
    award = results.awards_of_competition(competition)[0]
    login_as(admin)
    page = submit_form(
        client, "/admin/certificates/", {"issuer": "中共某某市委机关工委", "seal_space": True}
    )
    assert page.status_code == 302

    pdf = client.get(f"/competitions/{competition.id}/certificates/{award.id}.pdf")
    html = client.get(f"/competitions/{competition.id}/certificates/{award.id}")

    text = _pdf_text(pdf.data)
    issued = results.certificate(competition, award).issued_on
    assert "中共某某市委机关工委" in text
    assert f"{issued.year}年{issued.month}月{issued.day}日" in text
    assert "中共某某市委机关工委" in html.get_data(as_text=True)
    assert 'data-testid="seal-room"' in html.get_data(as_text=True)


def test_the_issuer_defaults_to_the_top_unit_and_a_long_one_is_refused(client, db, login_as, admin):
    login_as(admin)
    form = client.get("/admin/certificates/").get_data(as_text=True)
    assert admin.unit.path.split("/")[0] in form
    assert 'maxlength="120"' in form

    # By hand: the input's maxlength=120 stops a browser from sending 121 characters.
    response = client.post("/admin/certificates/", data={"issuer": "长" * 121})

    assert response.status_code == 200
    assert certificate_settings.current().issuer != "长" * 121
