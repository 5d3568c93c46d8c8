"""UUIDs from URLs and query strings: only the canonical form, and a malformed one is a 400 that names the field.

Python's uuid.UUID() is lenient: it strips "urn:uuid:" and braces, drops hyphens and
reads any Unicode digit through int(), so "{…}", "urn:uuid:…" and fullwidth or
Arabic-Indic digits would all name the same row as the canonical text. An id in a URL
names one resource in one spelling: 8-4-4-4-12 ASCII hex digits, either case.
"""

from __future__ import annotations

import re
import uuid

from rest_framework.exceptions import ValidationError

CANONICAL_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def canonical_uuid(value) -> uuid.UUID | None:
    """The UUID `value` spells in canonical form; None for anything else (no exception)."""
    if isinstance(value, uuid.UUID):
        return value
    if isinstance(value, str) and CANONICAL_UUID.fullmatch(value):
        return uuid.UUID(value)
    return None


def parse_uuid(value, *, field: str) -> uuid.UUID:
    parsed = canonical_uuid(value)
    if parsed is None:
        raise ValidationError({field: [f"{str(value)[:64]!r} is not a canonical UUID (8-4-4-4-12 hex digits)."]})
    return parsed
