"""Moodle XML, written from Moodle's format documentation: types, categories, images, safety."""

from __future__ import annotations

import base64

import pytest
from flask_babel import force_locale

from lms.core.uploads import upload_by_token
from question_bank.formats import moodle_xml
from question_bank.services.importing import import_questions

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
    token = first.content.stem_md.split("/files/")[1].split("/")[0]
    assert upload_by_token(token).path.read_bytes() == PNG
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
