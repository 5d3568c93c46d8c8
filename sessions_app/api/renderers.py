from collections.abc import Iterable, Mapping
from typing import Any

from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer


class MarkdownRenderer(BaseRenderer):
    """text/markdown for TRD downloads (`?format=md` or `Accept: text/markdown`)."""

    media_type = "text/markdown"
    format = "md"
    charset = "utf-8"

    def render(self, data: Any, accepted_media_type: str | None = None,
               renderer_context: Mapping[str, Any] | None = None) -> bytes:
        return data.encode(self.charset) if isinstance(data, str) else b""


class TRDHTMLRenderer(MarkdownRenderer):
    """One self-contained HTML file for TRD downloads (`?format=html`).

    Only by its format: a browser's `Accept: text/html` keeps getting the browsable API.
    """

    media_type = "text/html"
    format = "html"


class FormatNotOffered(DefaultContentNegotiation):
    """`?format=` that the view does not offer is 406 Not Acceptable (DRF's default says 404,
    which reads as "no such TRD")."""

    def filter_renderers(self, renderers: Iterable[BaseRenderer], format: str) -> list[BaseRenderer]:
        offered = [renderer for renderer in renderers if renderer.format == format]
        if not offered:
            formats = ", ".join(sorted({renderer.format for renderer in renderers} - {"api"}))
            raise NotAcceptable(f"format={format[:20]!r} is not offered here; use one of: {formats}.")
        return offered
