"""Input fields that take only their documented JSON type, and only what PostgreSQL can store.

The storage rule itself (NUL characters, unpaired surrogates, non-finite numbers,
nesting depth) is techspec_project.pg_values, shared with the query-string
filters and page cursors; without it such input would reach the database and
fail there as a 500 instead of a 400. The schema annotations (extend_schema_field)
say what each field accepts, for generated clients.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from techspec_project import pg_values

_T = TypeVar("_T")


def storable(check: Callable[[_T], _T], value: _T) -> _T:
    """check(value), with its refusal as the field's ValidationError."""
    try:
        return check(value)
    except pg_values.Unstorable as exc:
        raise serializers.ValidationError(str(exc)) from None


class TextField(serializers.CharField):
    """A CharField whose value PostgreSQL can store (DRF already refuses NUL)."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")  # DRF would turn 7 into "7"
        return storable(pg_values.check_text, super().to_internal_value(data))


JSON_OBJECT = {"type": "object", "additionalProperties": True}
# What research_record accepts: objects with a unique, non-blank "name", anything else besides.
RESEARCH_OPTION = {
    "type": "object",
    "properties": {"name": {"type": "string", "minLength": 1, "pattern": r"\S",
                            "description": "Unique among the item's options."}},
    "required": ["name"],
    "additionalProperties": True,
}


@extend_schema_field(JSON_OBJECT)
class JSONObjectField(serializers.DictField):
    """A JSON object PostgreSQL's jsonb can store."""

    def to_internal_value(self, data: Any) -> dict[Any, Any]:
        return storable(pg_values.check_json, super().to_internal_value(data))


@extend_schema_field(RESEARCH_OPTION)
class ResearchOptionField(JSONObjectField):
    """One researched option: a JSON object with a "name"."""


@extend_schema_field(JSON_OBJECT)
class JSONObjectOutput(serializers.JSONField):
    """A stored jsonb object, rendered as is."""


@extend_schema_field({"type": "array", "items": RESEARCH_OPTION})
class ResearchOptionsOutput(serializers.JSONField):
    """The stored list of researched options, rendered as is."""


# JSON has types: a field documented as a string, boolean, integer or number takes only that
# JSON type. DRF would coerce 7 into "7", "true" into True and "5" into 5, so a client with a
# type bug would be silently "fixed" here instead of told.


class StrictBooleanField(serializers.BooleanField):
    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid", input=str(data)[:50])
        return data


class StrictIntegerField(serializers.IntegerField):
    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int | float):
            self.fail("invalid")
        return super().to_internal_value(data)


SCORE_TEXT = r"^(100(\.0{1,2})?|\d{1,2}(\.\d{1,2})?)$"  # "0" to "100.00", as the API renders scores


@extend_schema_field({
    "anyOf": [
        {"type": "number", "minimum": 0, "maximum": 100, "multipleOf": 0.01},
        {"type": "string", "pattern": SCORE_TEXT},
    ],
    "nullable": True,
    "description": "0 to 100 with at most two decimals: a JSON number, or a decimal string as the API renders it.",
})
class ScoreField(serializers.DecimalField):
    """A quality score, 0 to 100 with two decimals: a JSON number or the decimal string outputs carry."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_digits=5, decimal_places=2, min_value=0, max_value=100, **kwargs)

    def to_internal_value(self, data: Any) -> Decimal:
        if isinstance(data, bool) or not isinstance(data, int | float | str):
            self.fail("invalid")
        if isinstance(data, str) and not re.fullmatch(SCORE_TEXT, data):
            self.fail("invalid")
        if isinstance(data, float) and abs(round(data, 2) - data) < 1e-9:
            data = round(data, 2)  # 57 * 0.01 is 0.5700000000000001 in binary: the client meant 0.57
        return super().to_internal_value(data)


class CanonicalUUIDField(serializers.UUIDField):
    """A UUID as a string in canonical form (DRF also reads integers, "urn:uuid:…" and "{…}")."""

    def to_internal_value(self, data: Any) -> uuid.UUID:
        from techspec_project.uuids import canonical_uuid

        parsed = canonical_uuid(data) if isinstance(data, str) else None
        if parsed is None:
            self.fail("invalid", value=str(data)[:64])
        return parsed
