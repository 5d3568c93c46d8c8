"""A TRD version rendered once: its canonical Markdown and its sanitised HTML, cached by TRD id.

A stored version never changes, so its rendering is cached for as long as the
renderer stays the same (the key names the renderer and library versions).
Rendering a 200 KB TRD costs a few hundred milliseconds of markdown-it-py and
Pygments; reading it back from the cache costs one cache lookup.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache

from sessions_app.models import GeneratedTRDDocument
from sessions_app.trd.fingerprint import code_fingerprint
from sessions_app.trd.html import tokens_to_html
from sessions_app.trd.markdown import trd_markdown_parsed

# Any change to the code that renders, or to the libraries it uses, changes the key: a rendering
# made under other rules (a tag since forbidden, say) is never read back.
RENDERER = code_fingerprint(
    "commonmark.py", "sections.py", "validation.py", "markdown.py", "html.py",
    packages=("markdown-it-py", "mdit-py-plugins", "nh3", "Pygments"),
)
# A month: long enough that a version read again is not rendered again, short enough to forget old ones.
CACHE_SECONDS = 30 * 24 * 3600


@dataclass(frozen=True)
class RenderedTRD:
    markdown: str
    html: str

    @property
    def has_diagram(self) -> bool:
        return '<pre class="mermaid">' in self.html


def cache_key(trd_id) -> str:
    return f"trd-document:{RENDERER}:{trd_id}"


def trd_render(trd: GeneratedTRDDocument) -> RenderedTRD:
    """Render without the cache (what the benchmark's cold pattern times)."""
    markdown, tokens = trd_markdown_parsed(trd)
    return RenderedTRD(markdown=markdown, html=tokens_to_html(tokens))


def trd_document(trd: GeneratedTRDDocument) -> RenderedTRD:
    """The cached rendering of `trd` (select_related its session: the title block names the project).

    `trd` may come without its texts (deferred): they are read, in one query, only to render.
    """
    key = cache_key(trd.pk)
    cached = cache.get(key)
    if isinstance(cached, tuple) and len(cached) == 2:
        return RenderedTRD(*cached)
    if trd.get_deferred_fields():
        trd = GeneratedTRDDocument.objects.select_related("session").get(pk=trd.pk)
    rendered = trd_render(trd)
    cache.set(key, (rendered.markdown, rendered.html), CACHE_SECONDS)
    return rendered
