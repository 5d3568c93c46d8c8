"""The TRD pages' own static files, and the Content-Security-Policy that allows only them."""

from __future__ import annotations

import base64
import hashlib
from functools import cache
from pathlib import Path

from sessions_app.trd.html import pygments_css

STATIC = Path(__file__).resolve().parent.parent / "static"
# The vendored Mermaid build (see static/sessions_app/vendor/README.md for version and licence).
MERMAID_JS = "sessions_app/vendor/mermaid-12.3.0/mermaid.min.js"
DIAGRAMS_JS = "sessions_app/trd/trd-diagrams.js"
TRD_CSS = "sessions_app/trd/trd.css"
PYGMENTS_CSS = "sessions_app/trd/pygments.css"

# Served pages: scripts only from our own origin, never inline. Mermaid writes <style> into
# the SVGs it draws and sets style attributes, so styles may be inline; scripts may not.
PAGE_POLICY = "; ".join([
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
])


@cache
def static_text(path: str) -> str:
    return (STATIC / path).read_text(encoding="utf-8")


def script_hash(source: str) -> str:
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


@cache
def export_scripts() -> tuple[str, ...]:
    return static_text(MERMAID_JS), static_text(DIAGRAMS_JS)


@cache
def export_css() -> str:
    return static_text(TRD_CSS) + "\n" + pygments_css()


@cache
def export_policy(with_scripts: bool) -> str:
    """The export file's own policy (a <meta> tag: it is opened from disk, without headers):
    only the inlined scripts, by hash, may run."""
    scripts = " ".join(script_hash(source) for source in export_scripts()) if with_scripts else "'none'"
    return "; ".join([
        "default-src 'none'", f"script-src {scripts}", "style-src 'unsafe-inline'", "img-src data:",
        "base-uri 'none'", "form-action 'none'", "object-src 'none'",
    ])
