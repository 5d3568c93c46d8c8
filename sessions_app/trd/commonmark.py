"""The one Markdown dialect TRDs are written, checked and rendered in.

CommonMark plus GitHub's tables and strikethrough, with GitHub-style heading ids
(so the table of contents links work on GitHub and in our own HTML alike).
"""

from __future__ import annotations

import re
from functools import cache

from markdown_it import MarkdownIt
from mdit_py_plugins.anchors import anchors_plugin

# The characters that can open inline markup (emphasis, code, links, HTML, entities, table
# cells, strikethrough); a backslash makes each one literal in CommonMark.
_INLINE_MARKUP = re.compile(r"([\\`*_\[\]<>&|~])")
_BACKTICK_RUN = re.compile(r"`+")
_FENCE_LINE = re.compile(r"^ {0,3}(`{3,}|~{3,})[ \t]*$")
_FENCE_START = re.compile(r"^ {0,3}(`{3,}|~{3,})", re.MULTILINE)
# Blocks that can run past a blank line: fences and the HTML blocks of kinds 1 to 5.
_OPEN_ENDED = re.compile(
    r"^ {0,3}(`{3,}|~{3,}|<(script|pre|style|textarea)(\s|>|$)|<!--|<\?|<![A-Za-z]|<!\[CDATA\[)",
    re.MULTILINE | re.IGNORECASE,
)


def parser(**options) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True, **options}).enable(["table", "strikethrough"])
    return md.use(anchors_plugin, min_level=1, max_level=6)


@cache
def _plain() -> MarkdownIt:
    return parser()


def parse(text: str):
    return _plain().parse(text)


def escape_inline(text: str) -> str:
    """`text` as literal Markdown inline content: one line, every punctuation mark escaped."""
    return _INLINE_MARKUP.sub(r"\\\1", " ".join(str(text).split()))


def fence(content: str, language: str = "") -> str:
    """`content` in a backtick fence longer than any backtick run inside it (so it cannot close early)."""
    body = content.strip("\n")
    longest = max((len(run) for run in _BACKTICK_RUN.findall(body)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}{language}\n{body}\n{ticks}"


def single_fence(content: str):
    """The fence token when `content` is exactly one closed fenced code block, else None."""
    if not _FENCE_START.match(content.lstrip("\n")):
        return None
    tokens = parse(content)
    if len(tokens) != 1 or tokens[0].type != "fence":
        return None
    lines = content.strip("\n").split("\n")
    closing = _FENCE_LINE.match(lines[-1]) if len(lines) > 1 else None
    opener = tokens[0].markup
    if closing is None or closing.group(1)[0] != opener[0] or len(closing.group(1)) < len(opener):
        return None  # an unclosed fence: it runs to the end of the text
    return tokens[0]


_SENTINEL = "trd-section-end-7f3a9c"


def is_contained(content: str) -> bool:
    """True when `content` ends all its blocks: Markdown written after it is read as Markdown.

    An unclosed fence or a `<script>`/`<pre>` HTML block would otherwise swallow
    every section that follows it.
    """
    if not _OPEN_ENDED.search(content):
        return True  # nothing in it can stay open: no need to parse 200 KB to know
    tokens = parse(f"{content}\n\n{_SENTINEL}\n")
    return (
        len(tokens) >= 3
        and tokens[-3].type == "paragraph_open" and tokens[-3].level == 0
        and tokens[-2].content == _SENTINEL
    )
