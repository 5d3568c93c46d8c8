"""What changed between two TRD versions, section by section (difflib, line by line)."""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass

from django.core.cache import cache
from django.utils.html import escape

from sessions_app.models import GeneratedTRDDocument
from sessions_app.trd.fingerprint import code_fingerprint
from sessions_app.trd.sections import CONTENT, SECTIONS, Section

VALIDATION = Section("validation_report", "Validation report")
COMPARED = (CONTENT, *SECTIONS, VALIDATION)
CONTEXT_LINES = 3
# A change to how diffs are made changes the key: a diff of another shape is never read back.
DIFF_CODE = code_fingerprint("diff.py", "sections.py")
CACHE_SECONDS = 30 * 24 * 3600


@dataclass(frozen=True)
class DiffLine:
    """One row of an inline diff: kind is "hunk", "context", "added" or "removed"."""

    kind: str
    text: str
    old_number: int | None = None
    new_number: int | None = None


@dataclass(frozen=True)
class SectionDiff:
    """One section's unified diff (what the API returns and the cache keeps) and its counts."""

    field: str
    title: str
    added: int
    removed: int
    unified: str

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed)

    def rows(self) -> list[DiffLine]:
        """The unified diff as numbered rows for the admin's inline view."""
        rows: list[DiffLine] = []
        old_number = new_number = 0
        for line in self.unified.split("\n")[2:]:  # after the ---/+++ header lines
            if line.startswith("@@"):
                hunk = _HUNK.match(line)
                assert hunk is not None  # difflib writes every "@@" line in this shape
                old_start, new_start = hunk.groups()
                old_number, new_number = _first_line(old_start), _first_line(new_start)
                rows.append(DiffLine("hunk", line))
            elif line.startswith("-"):
                rows.append(DiffLine("removed", line[1:], old_number=old_number))
                old_number += 1
            elif line.startswith("+"):
                rows.append(DiffLine("added", line[1:], new_number=new_number))
                new_number += 1
            elif line.startswith(" "):
                rows.append(DiffLine("context", line[1:], old_number, new_number))
                old_number, new_number = old_number + 1, new_number + 1
        return rows


_HUNK = re.compile(r"^@@ -(\d+(?:,\d+)?) \+(\d+(?:,\d+)?) @@")


def _first_line(hunk_range: str) -> int:
    start, _, length = hunk_range.partition(",")
    # An empty range names the line before it: its first line (if any were shown) is the next.
    return int(start) + (1 if length == "0" else 0)


def section_text(trd: GeneratedTRDDocument, section: Section) -> str:
    value = getattr(trd, section.field)
    if section is VALIDATION:
        return json.dumps(value or {}, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    return value or ""


def _range(start: int, length: int) -> str:
    """difflib's unified range: `start,length`, 1-based; an empty range names the line before it."""
    beginning = start + 1
    if length == 1:
        return f"{beginning}"
    if not length:
        beginning -= 1
    return f"{beginning},{length}"


def diff_section(section: Section, old_text: str, new_text: str, *, old_label: str, new_label: str,
                 context: int = CONTEXT_LINES) -> SectionDiff:
    """difflib's unified diff of one section (the same text as difflib.unified_diff), with counts."""
    old, new = old_text.splitlines(), new_text.splitlines()
    unified: list[str] = []
    added = removed = 0
    for group in difflib.SequenceMatcher(None, old, new).get_grouped_opcodes(context):
        if not unified:
            unified += [f"--- {old_label}", f"+++ {new_label}"]
        first, last = group[0], group[-1]
        unified.append(f"@@ -{_range(first[1], last[2] - first[1])} +{_range(first[3], last[4] - first[3])} @@")
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                unified += [f" {line}" for line in old[i1:i2]]
                continue
            if tag in ("replace", "delete"):
                unified += [f"-{line}" for line in old[i1:i2]]
                removed += i2 - i1
            if tag in ("replace", "insert"):
                unified += [f"+{line}" for line in new[j1:j2]]
                added += j2 - j1
    text = "\n".join(unified) + "\n" if unified else ""
    return SectionDiff(section.field, section.title, added, removed, text)


def trd_diff(old: GeneratedTRDDocument, new: GeneratedTRDDocument) -> list[SectionDiff]:
    return [
        diff_section(
            section, section_text(old, section), section_text(new, section),
            old_label=f"v{old.version}/{section.field}", new_label=f"v{new.version}/{section.field}",
        )
        for section in COMPARED
    ]


def _cache_key(old_id, new_id) -> str:
    return f"trd-diff:{DIFF_CODE}:{CONTEXT_LINES}:{old_id}:{new_id}"


def cached_trd_diff(old_id, new_id) -> list[SectionDiff] | None:
    """The diff of two stored versions when it was computed before: stored versions never
    change, and difflib on two 200 KB TRDs costs a few hundred milliseconds."""
    sections = cache.get(_cache_key(old_id, new_id))
    return sections if isinstance(sections, list) else None


def cache_trd_diff(old: GeneratedTRDDocument, new: GeneratedTRDDocument) -> list[SectionDiff]:
    sections = trd_diff(old, new)
    cache.set(_cache_key(old.pk, new.pk), sections, CACHE_SECONDS)
    return sections


_MARKS = {"added": "+", "removed": "\u2212", "context": ""}


def diff_rows_html(lines: list[DiffLine]) -> str:
    """The rows of an inline diff table, every text escaped (built here, not in a template
    loop: a 200 KB TRD's diff has thousands of rows)."""
    rows = []
    for line in lines:
        if line.kind == "hunk":
            rows.append(f'<tr class="hunk"><td colspan="4">{escape(line.text)}</td></tr>')
            continue
        old = "" if line.old_number is None else line.old_number
        new = "" if line.new_number is None else line.new_number
        rows.append(f'<tr class="{line.kind}"><td class="num">{old}</td><td class="num">{new}</td>'
                    f'<td class="mark">{_MARKS[line.kind]}</td><td>{escape(line.text)}</td></tr>')
    return "\n".join(rows)
