"""UUID parsing, one rule for the whole project: the canonical form, and one named lenient variant.

Python's uuid.UUID() is lenient: it strips "urn:uuid:" and braces, drops hyphens and
reads any Unicode digit through int(), so "{…}", "urn:uuid:…" and fullwidth or
Arabic-Indic digits would all name the same row as the canonical text. An id in a URL
or a query string names one resource in one spelling: 8-4-4-4-12 ASCII hex digits,
either case (canonical_uuid, parse_uuid).

Python callers (services, selectors, the admin's search box, a token's claim) have
always been given uuid.UUID's reading; lenient_uuid is that reading, in one place, so a
malformed id is None to test for rather than one of three exceptions to catch.
"""

from __future__ import annotations

import re
import uuid

from rest_framework.exceptions import ValidationError

CANONICAL_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def canonical_uuid(value: object) -> uuid.UUID | None:
    """The UUID `value` spells in canonical form; None for anything else (no exception)."""
    if isinstance(value, uuid.UUID):
        return value
    if isinstance(value, str) and CANONICAL_UUID.fullmatch(value):
        return uuid.UUID(value)
    return None


def parse_uuid(value: object, *, field: str) -> uuid.UUID:
    """The canonical UUID of a URL or query-string value; anything else is a 400 naming `field`."""
    parsed = canonical_uuid(value)
    if parsed is None:
        raise ValidationError({field: [f"{str(value)[:64]!r} is not a canonical UUID (8-4-4-4-12 hex digits)."]})
    return parsed


def lenient_uuid(value: object) -> uuid.UUID | None:
    """`value` as uuid.UUID(str(value)) reads it (braces, "urn:uuid:", no hyphens); None if it names no UUID."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        return None
