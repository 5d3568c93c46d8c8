"""A TRD version as one self-contained HTML file: opened from disk, offline, it shows everything.

Styles are inlined; so is the vendored Mermaid build when the document has a
diagram (about 5.5 MB, the price of drawing it without a network). A <meta>
Content-Security-Policy lets only those inlined scripts run, by hash.
"""

from __future__ import annotations

from django.utils.html import escape

from sessions_app.models import GeneratedTRDDocument
from sessions_app.trd.assets import export_css, export_policy, export_scripts
from sessions_app.trd.document import trd_document

_PAGE_CSS = """
body { margin: 0; background: #fff; color: #1f2328;
  font-family: -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; }
main.trd-doc { margin: 2rem auto; padding: 0 1.5rem; }
a { color: #0969da; }
"""


def trd_html_file(trd: GeneratedTRDDocument) -> str:
    document = trd_document(trd)
    with_scripts = document.has_diagram
    scripts = "".join(f"<script>{source}</script>\n" for source in export_scripts()) if with_scripts else ""
    title = f"TRD v{trd.version} of session {trd.session_id}"
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f'<meta http-equiv="Content-Security-Policy" content="{escape(export_policy(with_scripts))}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="referrer" content="no-referrer">\n'
        f"<title>{escape(title)}</title>\n<style>{_PAGE_CSS}{export_css()}</style>\n</head>\n<body>\n"
        f'<main class="trd-doc">\n{document.html}</main>\n{scripts}</body>\n</html>\n'
    )
