"""UUIDs from URLs and query strings: malformed ones are a 400 that names the field."""

from __future__ import annotations

import uuid

from rest_framework.exceptions import ValidationError


def parse_uuid(value, *, field: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        raise ValidationError({field: [f"{str(value)[:64]!r} is not a valid UUID."]}) from None
