"""Rows in an archive: every column type comes back as it went in, whatever the database."""

from __future__ import annotations

import gzip
import io
import json
import uuid
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Table,
    Time,
    Uuid,
)
from sqlalchemy.sql.elements import Null

from lms.core.backup.rows import archived, encode, read_rows, write_rows
from lms.core.db import UTCDateTime

TABLE = Table(
    "samples",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("at", UTCDateTime()),
    Column("local", DateTime()),
    Column("day", Date()),
    Column("clock", Time()),
    Column("amount", Numeric(12, 4)),
    Column("ratio", Float()),
    Column("blob", LargeBinary()),
    Column("data", JSON()),
    Column("flag", Boolean()),
    Column("ref", Uuid()),
    Column("name", String(50)),
)
ROW = {
    "id": 7,
    "at": datetime(2026, 12, 6, 8, 30, 15, 123456, tzinfo=UTC),
    "local": datetime(2026, 12, 6, 16, 30),  # noqa: DTZ001 - a column without a time zone
    "day": date(2026, 2, 28),
    "clock": time(23, 59, 1),
    "amount": Decimal("1234.5678"),
    "ratio": 0.1 + 0.2,
    "blob": bytes(range(256)),
    "data": {"答案": ["a", 1, 2.5, True, None], "nested": {"k": "v"}},
    "flag": False,
    "ref": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "name": '张三 "quoted"\n',
}


def test_every_type_comes_back_equal() -> None:
    empty = dict.fromkeys(ROW, None) | {"id": 8}
    as_read = [  # as table_query() gives them: JSON as the database's text
        (*list(ROW.values())[:8], json.dumps(ROW["data"]), *list(ROW.values())[9:]),
        tuple(empty.values()),
    ]
    packed = io.BytesIO()
    assert write_rows(archived(TABLE, as_read), packed) == 2
    packed.seek(0)
    first, second = read_rows(TABLE, list(ROW), packed)
    assert first == ROW
    assert {name: value for name, value in second.items() if name != "data"} == {
        name: value for name, value in empty.items() if name != "data"
    }
    assert isinstance(second["data"], Null)  # SQL NULL, as it was


def test_json_null_and_sql_null_stay_apart() -> None:
    packed = io.BytesIO()
    pairs = Table(
        "pairs", MetaData(), Column("id", Integer, primary_key=True), Column("data", JSON)
    )
    write_rows(archived(pairs, [(1, "null"), (2, None), (3, '"text"')]), packed)
    assert gzip.decompress(packed.getvalue()) == b'[1, [null]]\n[2, null]\n[3, ["text"]]\n'
    packed.seek(0)
    values = [row["data"] for row in read_rows(pairs, ["id", "data"], packed)]
    assert values[0] is None and isinstance(values[1], Null) and values[2] == "text"


def test_an_offset_is_kept() -> None:
    beijing = datetime(2026, 12, 6, 8, 0, tzinfo=timezone(timedelta(hours=8)))
    packed = io.BytesIO()
    write_rows([(1, beijing)], packed)  # table_query() with the first two columns
    packed.seek(0)
    (row,) = read_rows(TABLE, ["id", "at"], packed)
    assert row["at"] == beijing and row["at"].utcoffset() == timedelta(hours=8)


def test_a_row_of_the_wrong_width_is_refused() -> None:
    packed = io.BytesIO()
    write_rows([(1, None, None)], packed)
    packed.seek(0)
    with pytest.raises(ValueError, match="has 3 values"):
        list(read_rows(TABLE, ["id", "at"], packed))


def test_an_unknown_value_is_refused() -> None:
    with pytest.raises(TypeError):
        encode(object())
