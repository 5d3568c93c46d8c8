"""What bench_queries prints: a report people read, not a log flood, and honest percentiles."""

from __future__ import annotations

import logging
from io import StringIO

import pytest
from django.core.management import call_command

from tests.factories import TechResearchFactory
from tooling.benchmarks.percentiles import is_the_maximum, percentile, samples_needed
from tooling.management.commands.bench_queries import Command

pytestmark = pytest.mark.django_db


class Terminal(StringIO):
    """A stream that says it is a terminal, so Django's command output would colour it."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def a_session():
    TechResearchFactory()


def _bench(*args: str) -> tuple[str, str]:
    # Streams given to the command itself, as manage.py does: call_command's own stderr= would drop the style.
    out, err = StringIO(), Terminal()
    call_command(Command(stdout=out, stderr=err, force_color=True), "--warmup", "1", *args)
    return out.getvalue(), err.getvalue()


def test_measured_requests_leave_no_request_log_lines_and_the_log_is_restored(a_session, caplog):
    caplog.set_level(logging.INFO, logger="techspec.request")

    _bench("--reps", "10", "--only", "api_session_status", "--only", "admin_sessions_changelist")

    assert [r for r in caplog.records if r.name == "techspec.request"] == []
    assert [r for r in caplog.records if r.name.startswith("axes")] == []
    assert logging.getLogger("techspec.request").level == logging.INFO
    # The logger still works after the benchmark: only the benchmark was quiet.
    logging.getLogger("techspec.request").info("after")
    assert [r.getMessage() for r in caplog.records if r.name == "techspec.request"] == ["after"]


def test_progress_is_neutral_text_on_stderr_one_line_per_pattern(a_session):
    out, err = _bench("--reps", "2", "--only", "session_by_id", "--only", "research_by_session")

    assert "\x1b[" not in err, "progress is not an error: no error colour"
    lines = err.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("  [1/2] session_by_id: p50 ") and lines[0].endswith(" ms")
    assert lines[1].startswith("  [2/2] research_by_session: p50 ")
    assert "session_by_id" in out  # the report itself stays on stdout


def test_too_few_repetitions_mark_p95_and_p99_as_the_maximum(a_session):
    out, _ = _bench("--reps", "10", "--only", "session_by_id")

    header = next(line for line in out.splitlines() if line.startswith("pattern"))
    assert " p95=max  p99=max " in header
    assert "p95=max: 10 timed calls per pattern are too few for a p95 (nearest rank): it is the slowest call. " \
           "Use --reps 20 or more to tell p95 from max." in out
    assert "Use --reps 100 or more to tell p99 from max." in out


def test_enough_repetitions_for_p95_leave_only_p99_marked(a_session):
    out, _ = _bench("--reps", "20", "--only", "session_by_id")

    header = next(line for line in out.splitlines() if line.startswith("pattern"))
    assert "p95=max" not in out and " p95 " in header
    assert "p99=max" in header


def test_the_json_report_counts_the_samples_and_names_the_percentiles_at_the_maximum(a_session, tmp_path):
    report_file = tmp_path / "bench.json"
    _bench("--reps", "5", "--only", "session_by_id", "--json", str(report_file))

    import json

    report = json.loads(report_file.read_text())
    assert report["results"][0]["samples"] == 5
    assert report["percentiles_at_max"] == {"p95": 20, "p99": 100}


def test_the_sample_counts_follow_the_nearest_rank_rule():
    assert samples_needed(0.95) == 20 and samples_needed(0.99) == 100
    assert is_the_maximum(0.99, 99) and not is_the_maximum(0.99, 100)
    samples = list(range(1, 101))
    assert percentile(samples, 0.99) == 99 != max(samples)
    assert percentile(samples[:99], 0.99) == 99 == max(samples[:99])


def test_the_performance_page_notes_a_percentile_that_is_the_maximum():
    from tooling.benchmarks.report import render_section

    report = {"date": "2026-12-01T00:00:00+00:00", "scale": {"tech_spec_sessions": 10}, "results": [],
              "machine": {"cores": 2, "memory_gib": 4, "postgresql": "18", "python": "3.11"},
              "percentiles_at_max": {"p99": 100}}

    section = render_section(10, report, None, 50)

    assert section.endswith("\np99 is the slowest call here: 50 repetitions are too few for a nearest-rank p99 "
                            "(it takes 100).\n")
