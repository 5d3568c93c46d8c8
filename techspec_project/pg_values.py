"""What PostgreSQL accepts: the one rule every value from outside passes before it reaches a query.

A value PostgreSQL refuses fails inside the query as a DataError, after the
request has done its work: a 500, and in a transaction an aborted one. These
checks name the problem up front, so the API can answer 400 and store nothing.
Serializer fields, query-string filters and page cursors all call `check_value`
(or one of the typed checks below); each layer turns `Unstorable` into its own
error (a field error, an invalid filter, an invalid cursor).

- text (and jsonb strings and keys): no NUL character (PostgreSQL cannot store
  one), no unpaired surrogate (not encodable as UTF-8);
- timestamps: a UTC offset within PostgreSQL's ±15:59:59 (Python allows ±23:59;
  "2025-01-01T00:00:00-16:00" is "time zone displacement out of range");
  Python's years 1..9999 are all inside timestamptz's range;
- numbers: finite (a JSON number such as 1e400 parses as Infinity, which jsonb
  refuses), integers within the column's range (`check_int`, `check_column_value`);
- JSON: all of the above at every level, nested at most MAX_JSON_DEPTH deep.
"""

from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from django.db.models import Field
from django.utils.dateparse import parse_datetime

_T = TypeVar("_T")

MAX_JSON_DEPTH = 20
MAX_UTC_OFFSET = timedelta(hours=16)  # exclusive: PostgreSQL's limit is 15:59:59
INT2 = (-(2**15), 2**15 - 1)
INT4 = (-(2**31), 2**31 - 1)
INT8 = (-(2**63), 2**63 - 1)
# A model field's internal type -> the range of the PostgreSQL integer column it maps to.
INT_COLUMNS = {
    "SmallIntegerField": INT2, "PositiveSmallIntegerField": INT2, "SmallAutoField": INT2,
    "IntegerField": INT4, "PositiveIntegerField": INT4, "AutoField": INT4,
    "BigIntegerField": INT8, "PositiveBigIntegerField": INT8, "BigAutoField": INT8,
}


class Unstorable(ValueError):
    """A value PostgreSQL would refuse; the message says why, for the caller."""


def check_text(value: str) -> str:
    if "\x00" in value:
        raise Unstorable("Text must not contain NUL characters.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise Unstorable("Text must not contain unpaired surrogates.") from None
    return value


def check_datetime(value: datetime | time) -> datetime | time:
    offset = value.utcoffset()
    if offset is not None and abs(offset) >= MAX_UTC_OFFSET:
        raise Unstorable("The UTC offset must be between -15:59 and +15:59.")
    return value


# For schemas (OpenAPI `pattern`, unanchored as JSON Schema patterns are): a date-time ending in
# "Z" or a UTC offset check_datetime accepts, so a client generated from the schema knows -16:00
# is refused before it sends it.
DATETIME_OFFSET_PATTERN = r"(Z|[+-](0[0-9]|1[0-5]):[0-5][0-9])$"


def check_number(value: float | Decimal) -> float | Decimal:
    if not (value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)):
        raise Unstorable("Numbers must be finite (1e400 is too large for a double).")
    return value


def check_int(value: int, *, bounds: tuple[int, int] = INT4) -> int:
    low, high = bounds
    if not low <= value <= high:
        raise Unstorable(f"Whole numbers must be between {low} and {high}.")
    return value


def check_json(value: _T, *, depth: int = 0) -> _T:
    """The value when jsonb can store it all, nested at most MAX_JSON_DEPTH levels."""
    if depth > MAX_JSON_DEPTH:
        raise Unstorable(f"JSON nested deeper than {MAX_JSON_DEPTH} levels.")
    if isinstance(value, dict):
        for key, item in value.items():
            check_json(key, depth=depth + 1)
            check_json(item, depth=depth + 1)
    elif isinstance(value, list | tuple):
        for item in value:
            check_json(item, depth=depth + 1)
    else:
        check_value(value)
    return value


def check_query_text(text: str) -> str:
    """Text from a URL that goes into a query as it is (an admin filter, a page cursor's position):
    storable text, and, when it reads as a timestamp, one PostgreSQL accepts."""
    check_text(text)
    try:
        timestamp = parse_datetime(text.strip())
    except ValueError:  # shaped like a timestamp but not one: the query's own parsing refuses it
        timestamp = None
    if timestamp is not None:
        check_datetime(timestamp)
    return text


def check_column_value(field: Field[Any, Any], value: Any) -> Any:
    """A Python value for the model field `field`: what PostgreSQL accepts in that column
    (an integer within the column's range, anything else by its type)."""
    bounds = INT_COLUMNS.get(field.get_internal_type())
    if bounds is not None and isinstance(value, int) and not isinstance(value, bool):
        return check_int(value, bounds=bounds)
    return check_value(value)


def check_value(value: Any) -> Any:
    """Any scalar or JSON value, by its type; the value itself when PostgreSQL accepts it."""
    if isinstance(value, str):
        return check_text(value)
    if isinstance(value, datetime | time):
        return check_datetime(value)
    if isinstance(value, bool | date) or value is None:
        return value
    if isinstance(value, float | Decimal):
        return check_number(value)
    if isinstance(value, int):
        return value  # jsonb numbers have no fixed range; columns check with check_int
    if isinstance(value, dict | list | tuple):
        return check_json(value)
    return value
