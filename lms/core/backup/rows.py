"""Rows as portable JSON: what each column's values become in an archive, and back.

A table is stored as gzip-compressed JSON lines, one row a line, as a list of values in the
order of the table's columns. Values are written by their Python type and read back by their
column's type, so an archive made on SQLite loads into PostgreSQL and back:

- datetimes, dates and times: ISO 8601 (aware datetimes keep their offset);
- ``Decimal``: its exact text; bytes: base64; UUIDs: their text; enums: the member's name;
- booleans, integers, floats and text: as JSON has them;
- JSON columns: their value in a list of one, ``[value]``, so that a JSON ``null`` (``[null]``)
  and a SQL ``NULL`` (``null``) stay apart (``IS NULL`` finds only the second). They are read as
  text (``CAST(... AS TEXT)``), as the database holds them, and parsed here.
"""

from __future__ import annotations

import base64
import enum
import gzip
import json
import uuid
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime, time
from decimal import Decimal
from typing import IO, Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    Float,
    LargeBinary,
    Numeric,
    Select,
    Table,
    Text,
    Time,
    TypeDecorator,
    Uuid,
    cast,
    null,
    select,
)
from sqlalchemy.types import TypeEngine

Decoder = Callable[[Any], Any]


def encode(value: Any) -> Any:
    """A column value as JSON can hold it."""
    if value is None or isinstance(value, bool | int | float | str | dict | list):
        return value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, enum.Enum):
        return value.name
    raise TypeError(f"no archive form for {type(value).__name__}")


def _identity(value: Any) -> Any:
    return value


def _unwrap(value: list[Any]) -> Any:
    (inner,) = value
    return inner


def _decimal(value: Any) -> Decimal:
    return Decimal(str(value))


def _bytes(value: str) -> bytes:
    return base64.b64decode(value)


def _base_type(column_type: TypeEngine[Any]) -> TypeEngine[Any]:
    while isinstance(column_type, TypeDecorator):
        column_type = column_type.impl_instance
    return column_type


def _decimal_numeric(base: TypeEngine[Any]) -> bool:
    return isinstance(base, Numeric) and not isinstance(base, Float) and base.asdecimal


_DECODERS: tuple[tuple[Callable[[TypeEngine[Any]], bool], Decoder], ...] = (
    (lambda base: isinstance(base, JSON), _unwrap),
    (lambda base: isinstance(base, DateTime), datetime.fromisoformat),
    (lambda base: isinstance(base, Date), date.fromisoformat),
    (lambda base: isinstance(base, Time), time.fromisoformat),
    (lambda base: isinstance(base, LargeBinary), _bytes),
    (lambda base: isinstance(base, Uuid), uuid.UUID),
    (_decimal_numeric, _decimal),
)


def decoder(column_type: TypeEngine[Any]) -> Decoder:
    """How a value of the archive becomes one the column takes."""
    base = _base_type(column_type)
    for matches, decode in _DECODERS:
        if matches(base):
            return decode
    return _identity


def _is_json(column_type: TypeEngine[Any]) -> bool:
    return isinstance(_base_type(column_type), JSON)


def table_query(table: Table) -> Select[Any]:
    """Every row of ``table`` in primary-key order; JSON columns as the text the database holds."""
    columns = [
        cast(column, Text).label(column.name) if _is_json(column.type) else column
        for column in table.columns
    ]
    return select(*columns).order_by(*table.primary_key.columns)


def archived(table: Table, rows: Iterable[Any]) -> Iterator[list[Any]]:
    """The rows of :func:`table_query` as :func:`write_rows` takes them (JSON values wrapped)."""
    json_at = [number for number, column in enumerate(table.columns) if _is_json(column.type)]
    for row in rows:
        values = list(row)
        for number in json_at:
            if values[number] is not None:
                values[number] = [json.loads(values[number])]
        yield values


def write_rows(rows: Iterable[Any], out: IO[bytes]) -> int:
    """Write ``rows`` (sequences of column values) as gzip-compressed JSON lines; their count."""
    count = 0
    with gzip.GzipFile(fileobj=out, mode="wb", mtime=0, compresslevel=6) as packed:
        for row in rows:
            line = json.dumps([encode(value) for value in row], ensure_ascii=False)
            packed.write(line.encode("utf-8") + b"\n")
            count += 1
    return count


def read_rows(table: Table, columns: list[str], stream: IO[bytes]) -> Iterator[dict[str, Any]]:
    """The rows written by :func:`write_rows` for ``columns`` of ``table``, ready to insert."""
    decoders = [decoder(table.c[name].type) for name in columns]
    nulls = [null() if _is_json(table.c[name].type) else None for name in columns]
    with gzip.GzipFile(fileobj=stream, mode="rb") as packed:
        for line in packed:
            values = json.loads(line)
            if len(values) != len(columns):
                raise ValueError(f"a row of {table.name} has {len(values)} values")
            yield {
                name: empty if value is None else decode(value)
                for name, value, decode, empty in zip(columns, values, decoders, nulls, strict=True)
            }
