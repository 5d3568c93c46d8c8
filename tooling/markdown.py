"""The one writer of generated Markdown sections in docs/: every report of tooling (bench, load,
load_compare, events) rewrites its own block through update_block.

A block sits between `<!-- KEY start -->` and `<!-- KEY end -->`; text outside
the markers (hand-written prose, other blocks) is never touched.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

# The opening of docs/PERFORMANCE.md when a run creates it.
PERFORMANCE_HEADER = """# Performance

Every figure on this page was printed by a command in this repository, in the
run that wrote it: `make bench BENCH_SESSIONS=N` seeds a throwaway database
`techspec_bench_N` with `seed_data`, runs `bench_queries` on it and rewrites that
scale's section below. Nothing here is typed by hand. Times are wall-clock on
the machine named in each section; p95 limits are the `--check` defaults.

"""


def docs_path(name: str = "PERFORMANCE.md") -> Path:
    """A file of the project's docs/ folder (docs/PERFORMANCE.md unless named)."""
    return Path(settings.BASE_DIR) / "docs" / name


def update_block(path: Path, key: str, body: str, *, new_file: str = "") -> None:
    """Replace the block `key` in `path` with `body`, or append it; a missing file starts as `new_file`."""
    start, end = f"<!-- {key} start -->", f"<!-- {key} end -->"
    block = f"{start}\n{body}{end}\n"
    text = path.read_text() if path.exists() else new_file
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end) + r"\n?", re.S)
    # A function, not a string, as the replacement: a body's backslashes stay literal.
    text = pattern.sub(lambda _: block, text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + block
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
