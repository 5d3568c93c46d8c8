"""The canonical Markdown of a TRD version: the API download, and the source of every HTML view.

    # Technical Requirements Document, version N      (title block: project, session, ...)
    ## Contents                                        (links to every heading below)
    ---
    <trd_content as written>
    ## API specification   ```yaml (```json when it is JSON)
    ## Database schema     ```sql
    ## Architecture diagram ```mermaid
    ## Technology stack    (Markdown as written)
    ## Validation report   (result, score, a table of checks)
"""

from __future__ import annotations

from sessions_app.models import GeneratedTRDDocument
from sessions_app.trd.commonmark import escape_inline, fence, is_contained, parse, single_fence
from sessions_app.trd.sections import SECTIONS, Section
from sessions_app.trd.validation import validation_markdown

CONTENTS_TITLE = "Contents"
# A thematic break after the contents list: nothing of the body can continue the list.
CONTENTS_END = "---"
# Deeper headings would make the list longer than the document's own outline.
CONTENTS_DEPTH = 3


def trd_markdown(trd: GeneratedTRDDocument) -> str:
    """The whole document; `trd.session` is read for the project id (select_related it)."""
    return trd_markdown_parsed(trd)[0]


def trd_markdown_parsed(trd: GeneratedTRDDocument) -> tuple[str, list]:
    """The document and its markdown-it tokens, from one parse of 200 KB instead of two.

    The skeleton (title block, `## Contents`, a rule, the body) is parsed once for the
    heading ids the contents link to; the contents list, parsed alone, is spliced in
    before the rule. The rule ends the list, so the body parses the same either way
    (tests/trd/test_html.py checks the tokens against a parse of the whole text).
    """
    head = _title_block(trd)
    body = "\n\n".join(part for part in _body_parts(trd) if part)
    tokens = parse(f"{head}\n\n## {CONTENTS_TITLE}\n\n{CONTENTS_END}\n\n{body}\n")
    rule = next(i for i, token in enumerate(tokens) if token.type == "hr")
    contents = _contents(tokens)
    markdown = f"{head}\n\n## {CONTENTS_TITLE}\n\n{contents}\n\n{CONTENTS_END}\n\n{body}\n"
    return markdown, tokens[:rule] + parse(contents) + tokens[rule:]


def trd_filename(trd: GeneratedTRDDocument, extension: str = "md") -> str:
    return f"trd-{trd.session_id}-v{trd.version}.{extension}"


def section_markdown(section: Section, text: str) -> str:
    """One section's text as Markdown: fenced in its language, or as written when it is Markdown."""
    if not text.strip():
        return ""
    language = section.language_of(text)
    if language:
        existing = single_fence(text)
        if existing is not None:  # already fenced: keep its language when it names one
            return fence(existing.content, existing.info.strip() or language)
        return fence(text, language)  # longer than any backtick run inside, so nothing in it closes it
    return markdown_as_written(text)


def markdown_as_written(text: str) -> str:
    """`text` unchanged when it closes all its blocks; else with its open fence closed, or fenced whole."""
    text = text.strip("\n")
    if is_contained(text):
        return text
    last = parse(text)[-1:]
    if last and last[0].type == "fence":
        closed = f"{text}\n{last[0].markup}"
        if is_contained(closed):
            return closed
    return fence(text, "markdown")


def _title_block(trd: GeneratedTRDDocument) -> str:
    facts = [
        ("Project", f"{trd.session.project_id}"),
        ("Session", f"{trd.session_id}"),
        ("Version", f"{trd.version}"),
        ("Created", trd.created_at.strftime("%Y-%m-%d %H:%M UTC") if trd.created_at else "unknown"),
        ("Quality score", "not scored" if trd.quality_score is None else f"{trd.quality_score}"),
    ]
    lines = [f"# Technical Requirements Document, version {trd.version}", ""]
    lines += [f"- **{name}:** {escape_inline(value)}" for name, value in facts]
    return "\n".join(lines)


def _body_parts(trd: GeneratedTRDDocument):
    yield markdown_as_written(trd.trd_content)
    for section in SECTIONS:
        text = section_markdown(section, getattr(trd, section.field))
        if text:
            yield f"## {section.title}\n\n{text}"
    yield f"## Validation report\n\n{validation_markdown(trd.validation_report or {})}"


def _contents(tokens) -> str:
    """A nested list linking every heading after `## Contents`, with the ids the renderers give them."""
    headings = []
    after_contents = False
    for index, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        title = "".join(c.content for c in tokens[index + 1].children or () if c.type in ("text", "code_inline"))
        if not after_contents:
            after_contents = token.tag == "h2" and title == CONTENTS_TITLE
            continue
        headings.append((int(token.tag[1]), title, token.attrGet("id")))
    if not headings:
        return "This document has no headings."
    top = min(level for level, _, _ in headings)
    lines, depth = [], -1
    for level, title, anchor in headings:
        if level - top >= CONTENTS_DEPTH:
            continue
        depth = min(depth + 1, level - top)  # never deeper by more than one: CommonMark nests by indent
        lines.append(f"{'  ' * depth}- [{escape_inline(title) or 'untitled'}](#{anchor})")
    return "\n".join(lines)
