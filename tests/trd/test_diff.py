"""The section diff: the same text as difflib.unified_diff, and rows numbered as in each version."""

from __future__ import annotations

import difflib
import random

import pytest

from sessions_app.trd.diff import diff_section
from sessions_app.trd.sections import Section

LINES = ["a", "b", "c", "-x", "+y", "@@ z", " w", "", "--- not a header"]


def cases(count: int):
    chooser = random.Random(16)  # fixed: the same cases in every run
    for _ in range(count):
        old = [chooser.choice(LINES) for _ in range(chooser.randint(0, 15))]
        new = [chooser.choice(LINES) for _ in range(chooser.randint(0, 15))]
        yield old, new


@pytest.mark.parametrize(("old", "new"), list(cases(300)))
def test_unified_text_is_difflibs_and_every_row_points_at_its_line(old, new):
    old_text, new_text = "\n".join(old), "\n".join(new)
    result = diff_section(Section("f", "F"), old_text, new_text, old_label="v1/f", new_label="v2/f")
    old, new = old_text.splitlines(), new_text.splitlines()

    expected = "".join(f"{line}\n" for line in difflib.unified_diff(old, new, "v1/f", "v2/f", lineterm=""))
    assert result.unified == expected
    for row in result.rows():
        if row.kind in ("context", "removed"):
            assert old[row.old_number - 1] == row.text
        if row.kind in ("context", "added"):
            assert new[row.new_number - 1] == row.text
    assert result.added == sum(row.kind == "added" for row in result.rows())
    assert result.removed == sum(row.kind == "removed" for row in result.rows())
