"""Request parsers that refuse what the standard library cannot parse safely."""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class BoundedJSONParser(JSONParser):
    """JSON whose nesting exhausts Python's recursion limit is a 400, not a 500.

    The stdlib decoder recurses per level; a few kilobytes of "[[[[..." raise
    RecursionError, which DRF's JSONParser (catching ValueError) lets through.
    """

    def parse(self, stream: IO[Any], media_type: str | None = None,
              parser_context: Mapping[str, Any] | None = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - nested too deeply.") from None
