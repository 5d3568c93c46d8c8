"""Input fields that only accept what PostgreSQL can store.

PostgreSQL text and jsonb cannot hold NUL characters, and UTF-8 cannot encode
an unpaired surrogate; without these checks such input would reach the
database and fail there as a 500 instead of a 400.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

MAX_JSON_DEPTH = 20


def _storable(text: str) -> bool:
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_json(value, *, depth: int = 0) -> None:
    """Raise ValidationError for JSON PostgreSQL cannot store, or nested deeper than MAX_JSON_DEPTH."""
    if depth > MAX_JSON_DEPTH:
        raise serializers.ValidationError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels.")
    if isinstance(value, str):
        if not _storable(value):
            raise serializers.ValidationError("Text must not contain NUL characters or unpaired surrogates.")
    elif isinstance(value, dict):
        for key, item in value.items():
            check_json(key, depth=depth + 1)
            check_json(item, depth=depth + 1)
    elif isinstance(value, list):
        for item in value:
            check_json(item, depth=depth + 1)


class TextField(serializers.CharField):
    """A CharField whose value PostgreSQL can store (DRF already refuses NUL)."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if not _storable(value):
            raise serializers.ValidationError("Text must not contain unpaired surrogates.")
        return value


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

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        check_json(value)
        return value


@extend_schema_field(RESEARCH_OPTION)
class ResearchOptionField(JSONObjectField):
    """One researched option: a JSON object with a "name"."""


@extend_schema_field(JSON_OBJECT)
class JSONObjectOutput(serializers.JSONField):
    """A stored jsonb object, rendered as is."""


@extend_schema_field({"type": "array", "items": RESEARCH_OPTION})
class ResearchOptionsOutput(serializers.JSONField):
    """The stored list of researched options, rendered as is."""
