"""An organizer imports a GIFT file the way Moodle writes it (a reading passage, a matching
question with an extra item, a number with feedback for wrong answers), checks the answer key
on the preview, imports, then exports to a format that cannot hold every question and is told
which were left out before the download."""

from __future__ import annotations

import base64
import struct
import zlib

from playwright.sync_api import Page, expect

from tests.browser.test_member_journey import log_in

GIFT = """// 从 Moodle 导出
$CATEGORY: $course$/top/党史/会议

阅读下面的材料，回答后面的问题。

::一大::一大在哪里召开？{=上海 ~北京 ~广州}

将会议与年份连线。{
=遵义会议 -> 1935
=古田会议 -> 1929
= -> 1949
}

中国共产党成立于公元哪一年？{#=1921:0 ~#请再想想}
"""


def test_gift_preview_shows_warnings_and_the_key_then_export_reports_what_it_left_out(
    page: Page, site: str, make_user, db, tmp_path, browser_errors
):
    make_user(username="org", role="organizer", password="organizer-pass-1")
    db.session.commit()
    path = tmp_path / "moodle.gift"
    path.write_text(GIFT, "utf-8")
    log_in(page, site, "org", "organizer-pass-1")
    page.goto(f"{site}/bank/")
    page.get_by_role("button", name="导入", exact=True).click()

    page.get_by_label("文件", exact=True).set_input_files(str(path))
    page.get_by_label("格式").select_option("gift")
    page.get_by_role("button", name="检查文件").click()

    expect(page.get_by_test_id("import-warnings")).to_contain_text("第 4 行")
    expect(page.get_by_test_id("import-warnings")).to_contain_text("说明文字")
    keys = page.get_by_test_id("answer-key")
    expect(keys).to_have_count(3)
    expect(keys.nth(0).locator(".key-right")).to_contain_text("上海")
    expect(keys.nth(0).locator(".key-wrong")).to_have_count(2)
    expect(keys.nth(1)).to_contain_text("遵义会议 → 1935")
    expect(keys.nth(1)).to_contain_text("1949")
    expect(keys.nth(2)).to_contain_text("1921")
    page.get_by_role("button", name="导入 3 道试题").click()
    expect(page.locator(".flash-success")).to_contain_text("3")

    page.get_by_role("link", name="Aiken", exact=True).click()
    report = page.get_by_test_id("export-report")
    expect(report).to_contain_text("3 道题中有 1 道可以用此格式导出")
    skipped = page.get_by_test_id("export-skipped")
    expect(skipped.locator("li")).to_have_count(2)
    expect(skipped).to_contain_text("Aiken 格式只能保存单选题和多选题")
    with page.expect_download() as download:
        page.get_by_role("button", name="下载 1 道题").click()
    text = download.value.path().read_text("utf-8")
    assert "一大在哪里召开？" in text
    assert "连线" not in text
    assert browser_errors == []


def _png() -> bytes:
    """A real 2x2 red PNG, so the browser decodes it."""
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _row in range(2))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + (chunk(b"IEND", b""))
    )


def test_a_moodle_question_with_an_embedded_image_shows_the_image(
    page: Page, site: str, make_user, db, tmp_path, browser_errors
):
    make_user(username="org", role="organizer", password="organizer-pass-1")
    db.session.commit()
    image = base64.b64encode(_png()).decode()
    path = tmp_path / "moodle.xml"
    path.write_text(
        f"""<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="multichoice">
    <name><text>地图题</text></name>
    <questiontext format="html">
      <text><![CDATA[<p>红色区域是哪里？<img src="@@PLUGINFILE@@/map.png" alt="地图"></p>]]></text>
      <file name="map.png" path="/" encoding="base64">{image}</file>
    </questiontext>
    <single>true</single>
    <answer fraction="100"><text>上海</text></answer>
    <answer fraction="0"><text>北京</text></answer>
  </question>
</quiz>
""",
        "utf-8",
    )
    log_in(page, site, "org", "organizer-pass-1")
    page.goto(f"{site}/bank/import/")
    page.get_by_label("文件", exact=True).set_input_files(str(path))
    page.get_by_label("格式").select_option("moodle-xml")
    page.get_by_role("button", name="检查文件").click()
    expect(page.get_by_test_id("import-item")).to_contain_text("map.png")
    page.get_by_role("button", name="导入 1 道试题").click()
    page.get_by_role("link", name="地图题").click()
    picture = page.get_by_role("img", name="地图")
    expect(picture).to_be_visible()
    assert picture.evaluate("img => img.complete && img.naturalWidth") == 2
    assert "/files/" in (picture.get_attribute("src") or "")
    assert browser_errors == []
