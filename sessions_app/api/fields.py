"""Input fields that only accept what PostgreSQL can store.

The rule itself (NUL characters, unpaired surrogates, non-finite numbers,
nesting depth) is techspec_project.pg_values, shared with the query-string
filters and page cursors; without it such input would reach the database and
fail there as a 500 instead of a 400.
"""

from __future__ import annotations

from rest_framework import serializers

from techspec_project import pg_values


def storable(check, value):
    """check(value), with its refusal as the field's ValidationError."""
    try:
        return check(value)
    except pg_values.Unstorable as exc:
        raise serializers.ValidationError(str(exc)) from None


class TextField(serializers.CharField):
    """A CharField whose value PostgreSQL can store (DRF already refuses NUL)."""

    def to_internal_value(self, data):
        return storable(pg_values.check_text, super().to_internal_value(data))


class JSONObjectField(serializers.DictField):
    """A JSON object PostgreSQL's jsonb can store."""

    def to_internal_value(self, data):
        return storable(pg_values.check_json, super().to_internal_value(data))
