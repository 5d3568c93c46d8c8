"""Progress of every tooling command is plain text on stderr, even on a terminal (tooling/progress.py)."""

from io import StringIO

from django.core.management.base import OutputWrapper
from django.core.management.color import color_style

from tooling.progress import ProgressStream, progress_line


class Terminal(StringIO):
    """A stream that says it is a terminal, so Django's command output would colour it."""

    def isatty(self) -> bool:
        return True


def command_stderr() -> tuple[OutputWrapper, Terminal]:
    # What BaseCommand.__init__ builds for stderr: the error style on a terminal.
    stream = Terminal()
    wrapper = OutputWrapper(stream)
    wrapper.style_func = color_style(force_color=True).ERROR
    return wrapper, stream


def test_a_command_stderr_on_a_terminal_would_colour_a_line_as_an_error():
    # The premise of the two tests below: without tooling.progress, progress reads as an error.
    stderr, stream = command_stderr()
    stderr.write("seeding 1/2")
    assert "\x1b[" in stream.getvalue()


def test_progress_lines_are_written_whole_and_uncoloured():
    stderr, stream = command_stderr()
    write = progress_line(stderr)
    write("[1/2] sessions_list: p50 1.00 ms")
    write("Updated docs/PERFORMANCE.md.")
    assert stream.getvalue() == "[1/2] sessions_list: p50 1.00 ms\nUpdated docs/PERFORMANCE.md.\n"


def test_the_progress_stream_writes_partial_lines_uncoloured():
    stderr, stream = command_stderr()
    progress = ProgressStream(stderr)
    progress.write("\rsessions 10%")
    progress.write("\rsessions 20%")
    progress.flush()
    assert stream.getvalue() == "\rsessions 10%\rsessions 20%"
    assert progress.isatty()
