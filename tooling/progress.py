"""Progress output for the tooling commands: stderr (stdout keeps the report), never in the error colour.

Django's OutputWrapper colours everything written to a command's stderr as an error when it
is a terminal; progress is not an error, so every tooling command writes it through here.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.management.base import OutputWrapper


def _plain(text: str) -> str:
    return text


def progress_line(stderr: OutputWrapper) -> Callable[[str], None]:
    """A writer of whole progress lines to `stderr`, uncoloured."""

    def write(line: str) -> None:
        stderr.write(line, style_func=_plain)

    return write


class ProgressStream:
    """`stderr` as a file-like stream (no automatic newline), uncoloured: for code that writes partial lines."""

    def __init__(self, stderr: OutputWrapper) -> None:
        self._stderr = stderr

    def write(self, text: str) -> None:
        self._stderr.write(text, style_func=_plain, ending="")

    def flush(self) -> None:
        self._stderr.flush()

    def isatty(self) -> bool:
        return self._stderr.isatty()
