"""TRD Markdown as safe HTML: rendered by markdown-it-py, code highlighted by Pygments, sanitised by nh3.

The Markdown is written by an LLM agent, so the rendered HTML goes through nh3
(the Ammonia sanitiser) as a whole, our own markup included: what comes out has
no script, no event handler, no `javascript:` URL, no image (a source would make
the staff's browser fetch a URL the agent chose) and no style but table
alignment, whatever the input held. Mermaid diagrams stay as their source in
`<pre class="mermaid">`; the page's own (vendored) Mermaid script draws them.
"""

from __future__ import annotations

from functools import cache

import nh3
from django.utils.html import escape
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.token import STANDARD_TYPES
from pygments.util import ClassNotFound

from sessions_app.trd.commonmark import parser

PYGMENTS_STYLE = "default"
# Pygments' token classes: the only classes code blocks need.
_TOKEN_CLASSES = {name for name in STANDARD_TYPES.values() if name}
_BLOCK_CLASSES = {"highlight", "mermaid", "trd-code"}

TAGS = {
    "h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "blockquote", "ul", "ol", "li", "dl", "dt", "dd",
    "a", "em", "strong", "del", "s", "code", "kbd", "sub", "sup", "pre", "span", "div",
    "table", "thead", "tbody", "tr", "th", "td", "details", "summary",
}
ATTRIBUTES = {
    "a": {"href", "title"},
    "ol": {"start"},
    "th": {"style"},
    "td": {"style"},
    **{f"h{level}": {"id"} for level in range(1, 7)},
}
CLASSES = {"pre": _BLOCK_CLASSES, "code": {"trd-code"}, "span": _TOKEN_CLASSES}
URL_SCHEMES = {"http", "https", "mailto"}


def _highlight(code: str, language: str, attrs) -> str:
    language = (language or "").strip().lower()
    if language == "mermaid":
        return f'<pre class="mermaid">{escape(code)}</pre>\n'
    try:
        lexer = get_lexer_by_name(language) if language else None
    except ClassNotFound:
        lexer = None
    if lexer is None:
        return f'<pre class="highlight"><code class="trd-code">{escape(code)}</code></pre>\n'
    body = highlight(code, lexer, _formatter())
    return f'<pre class="highlight"><code class="trd-code">{body}</code></pre>\n'


@cache
def _formatter() -> HtmlFormatter:
    return HtmlFormatter(nowrap=True, style=PYGMENTS_STYLE)


@cache
def _renderer():
    return parser(highlight=_highlight)


def sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=TAGS,
        clean_content_tags={"script", "style"},
        attributes=ATTRIBUTES,
        allowed_classes=CLASSES,
        url_schemes=URL_SCHEMES,
        filter_style_properties={"text-align"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def markdown_to_html(markdown: str) -> str:
    """Safe HTML for any Markdown (a fragment: no <html>, no scripts; diagrams still to be drawn)."""
    return sanitise(_renderer().render(markdown))


def tokens_to_html(tokens: list) -> str:
    """markdown_to_html for text already parsed (with sessions_app.trd.commonmark.parse)."""
    renderer = _renderer()
    return sanitise(renderer.renderer.render(tokens, renderer.options, {}))


def pygments_css(scope: str = ".trd-doc .highlight") -> str:
    # Token colours only: the full style sheet also restyles every <pre> and line-number cell on the page.
    return "\n".join(HtmlFormatter(style=PYGMENTS_STYLE).get_token_style_defs(scope))
