"""Moodle XML, written from Moodle's format documentation: types, categories, images, safety."""

from __future__ import annotations

import base64
import re

import pytest
from flask_babel import force_locale

from lms.core.errors import ValidationError
from lms.core.uploads import upload_by_token
from question_bank.formats import moodle_xml
from question_bank.render import option_html
from question_bank.services.importing import import_questions, preview

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
XML = f"""<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="category">
    <category><text>$course$/top/党史/建党</text></category>
  </question>
  <question type="multichoice">
    <name><text>一大</text></name>
    <questiontext format="html">
      <text><![CDATA[<p>一大在哪里召开？<img src="@@PLUGINFILE@@/map.png"></p>]]></text>
      <file name="map.png" path="/" encoding="base64">{base64.b64encode(PNG).decode()}</file>
    </questiontext>
    <generalfeedback format="html"><text>在上海召开。</text></generalfeedback>
    <defaultgrade>2</defaultgrade>
    <single>true</single>
    <answer fraction="100" format="html">
      <text>上海</text><feedback><text>对</text></feedback>
    </answer>
    <answer fraction="0" format="html"><text>北京</text></answer>
  </question>
  <question type="multichoice">
    <name><text>会议</text></name>
    <questiontext format="html"><text>哪些是会议？</text></questiontext>
    <single>false</single>
    <answer fraction="50"><text>遵义会议</text></answer>
    <answer fraction="50"><text>古田会议</text></answer>
    <answer fraction="-100"><text>长征</text></answer>
  </question>
  <question type="truefalse">
    <name><text>判断</text></name>
    <questiontext format="html"><text>遵义会议在1935年召开。</text></questiontext>
    <answer fraction="100"><text>true</text></answer>
    <answer fraction="0"><text>false</text></answer>
  </question>
  <question type="shortanswer">
    <name><text>填空</text></name>
    <questiontext format="html"><text>中国共产党成立于哪一年？</text></questiontext>
    <answer fraction="100"><text>1921</text></answer>
    <answer fraction="100"><text>1921年</text></answer>
  </question>
  <question type="numerical">
    <name><text>数值</text></name>
    <questiontext format="html"><text>π 保留两位小数</text></questiontext>
    <answer fraction="100"><text>3.14</text><tolerance>0.005</tolerance></answer>
  </question>
  <question type="matching">
    <name><text>匹配</text></name>
    <questiontext format="html"><text>会议与年份</text></questiontext>
    <subquestion format="html">
      <text><![CDATA[<p>遵义会议</p>]]></text><answer><text>1935</text></answer>
    </subquestion>
    <subquestion format="html"><text>古田会议</text><answer><text>1929</text></answer></subquestion>
  </question>
  <question type="essay">
    <name><text>简答</text></name>
    <questiontext format="html"><text>谈谈体会。</text></questiontext>
    <graderinfo format="html"><text>要点</text></graderinfo>
  </question>
</quiz>
"""


@pytest.fixture(autouse=True)
def english(db):
    with force_locale("en"):
        yield


def test_every_type_with_categories_and_images(app, db):
    result = moodle_xml.parse(XML.encode(), "默认")
    assert result.problems == []
    kinds = [q.content.type for q in result.questions]
    assert kinds == [
        "single_choice",
        "multiple_choice",
        "true_false",
        "fill_blank",
        "numerical",
        "matching",
        "short_answer",
    ]
    first = result.questions[0]
    assert first.category_path == "党史/建党"
    assert first.content.definition["correct"] == "a"
    assert first.content.default_mark == 2.0
    assert first.content.text_format == "html"
    assert first.content.definition["options"][0]["feedback"] == "对"
    assert '<img src="@@FILE:0@@">' in first.content.stem_md  # a preview stores nothing
    assert [f.name for f in first.files] == ["map.png"]
    assert first.shown.stem_md == "<p>一大在哪里召开？<a>〔map.png〕</a></p>"  # loads nothing
    assert result.questions[1].content.definition["correct"] == ["a", "b"]
    assert result.questions[3].content.definition["blanks"] == [["1921", "1921年"]]
    assert result.questions[5].content.definition["pairs"][0]["left"] == "遵义会议"


def test_entities_are_refused(db):
    bomb = b"""<?xml version="1.0"?><!DOCTYPE quiz [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>
<quiz><question type="essay"><questiontext><text>&b;</text></questiontext></question></quiz>"""
    problems = moodle_xml.parse(bomb, "x").problems
    assert problems == ["line 1: the XML declares entities, which are not accepted"]
    external = b"""<?xml version="1.0"?><!DOCTYPE quiz [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<quiz><question type="essay"><questiontext><text>&x;</text></questiontext></question></quiz>"""
    assert "entities" in moodle_xml.parse(external, "x").problems[0]


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("<quiz><question type='essay'>", "this is not well-formed XML"),
        ("<questions/>", "starts with <quiz>"),
        (
            "<quiz>\n<question type='calculated'><questiontext><text>x</text></questiontext>"
            "</question></quiz>",
            "line 2: the question type “calculated” is not supported",
        ),
    ],
)
def test_bad_files(db, text, needle):
    problems = moodle_xml.parse(text.encode(), "x").problems
    assert any(needle in p for p in problems), problems


def test_round_trip(app, db):
    created = import_questions(XML.encode(), "moodle-xml")
    again = moodle_xml.parse(moodle_xml.export(created), "x")
    assert again.problems == []
    before = [(q.category.path, q.current.type, q.current.definition) for q in created]
    after = [(q.category_path, q.content.type, q.content.definition) for q in again.questions]
    assert after == before


MP3 = b"ID3\x03\x00\x00\x00" + b"\x00" * 40


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _quiz(*questions: str) -> bytes:
    return (
        "<?xml version='1.0' encoding='UTF-8'?>\n<quiz>\n" + "\n".join(questions) + "\n</quiz>"
    ).encode()


MEDIA = f"""<question type="multichoice">
  <name><text>声音</text></name>
  <questiontext format="html"><text><![CDATA[<p>听录音<audio controls>
    <source src="@@PLUGINFILE@@/a%20b.mp3"></audio></p>]]></text>
    <file name="a b.mp3" path="/" encoding="base64">{_b64(MP3)}</file></questiontext>
  <generalfeedback format="html"><text><![CDATA[<img src="@@PLUGINFILE@@/map.png">]]></text>
    <file name="map.png" path="/" encoding="base64">{_b64(PNG)}</file></generalfeedback>
  <single>true</single>
  <answer fraction="100" format="html">
    <text><![CDATA[<p><img src="@@PLUGINFILE@@/map.png" alt="地图"></p>]]></text>
    <file name="map.png" path="/" encoding="base64">{_b64(PNG)}</file>
    <feedback format="html"><text><![CDATA[<p>对 <img src="@@PLUGINFILE@@/ok.png"></p>]]></text>
      <file name="ok.png" path="/" encoding="base64">{_b64(PNG + b"ok")}</file></feedback></answer>
  <answer fraction="0" format="html"><text><![CDATA[<p>北京</p>]]></text></answer>
</question>"""


def test_embedded_files_in_text_answers_and_feedback_are_stored_on_import(app, db):
    (question,) = import_questions(_quiz(MEDIA), "moodle-xml")
    version = question.current
    option, wrong = version.definition["options"]
    links = re.findall(r"/files/(\w+)/([^\"']+)", version.stem_md + version.explanation_md
                       + option["text"] + option["feedback"])  # fmt: skip
    assert len(links) == 4
    assert "@@" not in version.stem_md + version.explanation_md + str(version.definition)
    uploads = {name: upload_by_token(token) for token, name in links}
    assert {upload.scope for upload in uploads.values()} == {"question"}  # readable by members
    stored = {name: upload.open().read() for name, upload in uploads.items()}
    assert set(stored.values()) == {MP3, PNG, PNG + b"ok"}
    assert "<audio" not in version.stem_md and '<a href="/files/' in version.stem_md
    assert wrong["text"] == "北京"  # plain answers stay plain text
    assert option["text"].startswith("<p><img")  # an answer with an image keeps its HTML
    map_links = {t for t, n in links if n == "map.png"}
    assert len(map_links) == 1  # the same image is stored once


def test_a_link_to_a_file_that_is_not_there_is_a_warning(db):
    xml = _quiz("""<question type="essay"><name><text>缺图</text></name>
      <questiontext format="html"><text><![CDATA[<img src="@@PLUGINFILE@@/gone.png">]]></text>
      </questiontext></question>""")
    result = moodle_xml.parse(xml, "x")
    assert result.problems == []
    assert result.warnings == [
        "line 3: “缺图” links to the file “gone.png”, which the question does not hold"
    ]


def test_a_file_of_the_wrong_kind_is_refused_with_the_question_named(db):
    xml = _quiz(f"""<question type="essay"><name><text>坏文件</text></name>
      <questiontext format="html"><text><![CDATA[<img src="@@PLUGINFILE@@/x.png">]]></text>
      <file name="x.png" encoding="base64">{_b64(b"not a png")}</file></questiontext>
      <correctfeedback><text>unused</text>
      <file name="y.svg" encoding="base64">{_b64(b"<svg/>")}</file></correctfeedback></question>""")
    (problem,) = moodle_xml.parse(xml, "x").problems  # the file no text links to is ignored
    assert problem.startswith("line 3: “坏文件”: “x.png”: ")


def _choice(name: str, single: bool, *fractions: str) -> str:
    answers = "".join(
        f'<answer fraction="{f}"><text>选项{n}</text></answer>' for n, f in enumerate(fractions)
    )
    return (
        f'<question type="multichoice"><name><text>{name}</text></name>'
        f"<questiontext><text>{name}？</text></questiontext>"
        f"<single>{'true' if single else 'false'}</single>{answers}</question>"
    )


@pytest.mark.parametrize(
    ("question", "message"),
    [
        (_choice("四五", True, "100", "45"), "“四五”: the grade 45 % of an answer is not one"),
        (_choice("无满分", True, "50", "0"), "“无满分”: one answer must be worth 100 %"),
        (_choice("不足", False, "50", "30", "-100"), "“不足”: the positive grades add up to 80 %"),
        (_choice("超出", False, "50", "50", "50"), "“超出”: the positive grades add up to 150 %"),
    ],
)
def test_grades_moodle_would_refuse_are_refused(db, question, message):
    problems = moodle_xml.parse(_quiz(question), "x").problems
    assert len(problems) == 1
    assert problems[0].startswith(f"line 3: {message}")


def test_grades_moodle_accepts(db):
    xml = _quiz(
        _choice("三分", False, "33.33333", "33.33333", "33.33333", "-100"),
        _choice("不等", False, "70", "30", "-50"),
    )
    result = moodle_xml.parse(xml, "x")
    assert result.problems == []
    assert result.questions[0].content.definition["correct"] == ["a", "b", "c"]
    assert result.warnings == [
        "line 4: its right answers have different grades: each counts the same here"
    ]


def test_descriptions_are_skipped_with_a_warning(db):
    xml = _quiz(
        '<question type="description"><name><text>阅读</text></name>'
        "<questiontext><text>请阅读下文。</text></questiontext></question>",
        _choice("一题", True, "100", "0"),
    )
    result = moodle_xml.parse(xml, "x")
    assert result.problems == []
    assert len(result.questions) == 1
    assert result.warnings == ["line 3: “阅读” is a description, not a question: it was skipped"]


def test_utf16_is_read_and_other_encodings_are_refused_cleanly(db):
    text = _quiz(_choice("编码", True, "100", "0")).decode()
    utf16 = text.replace("UTF-8", "UTF-16").encode("utf-16")
    assert moodle_xml.parse(utf16, "x").questions[0].content.stem_md == "编码？"
    utf7 = text.replace("UTF-8", "UTF-7").encode()
    assert moodle_xml.parse(utf7, "x").problems == [
        "line 1: the file declares the encoding “UTF-7”: save it as UTF-8"
    ]
    with pytest.raises(ValidationError):
        preview("<quiz/>".encode("utf-32"), "moodle-xml")


def test_each_question_is_read_once_however_long_the_file(db, monkeypatch):
    """The file is not rescanned per question: the work per question stays the same."""
    calls = []
    real = moodle_xml._one
    monkeypatch.setattr(moodle_xml, "_one", lambda *a: calls.append(1) or real(*a))
    counts = []
    for size in (10, 40):
        calls.clear()
        text = _quiz(*(_choice(f"第{n}题", True, "100", "0") for n in range(size)))
        monkeypatch.setattr(re, "finditer", _counting(re.finditer, counts))
        result = moodle_xml.parse(text, "x")
        assert len(result.questions) == size
        assert len(calls) == size
    assert counts == []  # no regular-expression scan of the whole file per question
    assert [q.line for q in result.questions][:3] == [3, 4, 5]


def _counting(real, counts):
    def finditer(*args, **kwargs):
        counts.append(1)
        return real(*args, **kwargs)

    return finditer


def test_an_answer_with_an_image_is_shown_as_html_and_plain_ones_escaped(app, db):
    (question,) = import_questions(_quiz(MEDIA), "moodle-xml")
    version = question.current
    picture, _plain = (o["text"] for o in version.definition["options"])
    assert str(option_html(version, picture)).startswith('<img src="/files/')
    assert str(option_html(version, "<b>x</b> & y")) == "&lt;b&gt;x&lt;/b&gt; &amp; y"


def test_a_matching_left_side_may_hold_an_image(app, db):
    xml = _quiz(f"""<question type="matching"><name><text>配图</text></name>
      <questiontext format="html"><text>连线</text></questiontext>
      <subquestion format="html">
        <text><![CDATA[<p><img src="@@PLUGINFILE@@/a.png" alt="甲"></p>]]></text>
        <file name="a.png" encoding="base64">{_b64(PNG)}</file><answer><text>甲</text></answer>
      </subquestion>
      <subquestion format="html"><text><![CDATA[<p>乙</p>]]></text><answer><text>乙</text></answer>
      </subquestion></question>""")
    (question,) = import_questions(xml, "moodle-xml")
    first, second = question.current.definition["pairs"]
    assert first["left"].startswith('<p><img src="/files/')
    assert second["left"] == "乙"
