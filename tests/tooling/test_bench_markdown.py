"""One writer for the generated Markdown blocks of docs/PERFORMANCE.md and docs/DEPLOYMENT.md."""

from __future__ import annotations

from tooling import markdown
from tooling.benchmarks import report as bench_report
from tooling.events_bench import report as events_report
from tooling.load import compare as load_compare
from tooling.load import run as load_run


def test_bench_report_and_load_report_write_through_the_same_function():
    assert bench_report.update_block is markdown.update_block
    assert load_run.update_block is markdown.update_block
    assert load_compare.update_block is markdown.update_block
    assert events_report.update_block is markdown.update_block


def test_the_triggers_comparison_states_the_server_cpu_per_request_beside_requests_per_second():
    machine = {"cores": 2, "postgresql": "18", "python": "3.11"}
    runs = [
        {"round": 1, "shape": "triggers-off", "rps": 400.0, "p95": 50.0, "non_2xx": 0, "load": 2.0,
         "date": "d", "machine": machine, "server_cpu": 4.0, "busy": 99.0, "trigger_ms": 0.0},
        {"round": 1, "shape": "triggers-on", "rps": 300.0, "p95": 70.0, "non_2xx": 0, "load": 4.0,
         "date": "d", "machine": machine, "server_cpu": 4.1, "busy": 99.0, "trigger_ms": 0.03},
    ]
    text = load_compare.render_triggers(runs, {"sessions": 10, "seconds": 5, "rounds": 1, "workers": 2,
                                               "threads": 1})

    assert "| 1 | triggers-on | 300.0 | 70.0 | 0 | 4.1 | 0.03 | 99.0 | 4.0 |" in text
    assert "Mean requests/s: off 400.0, on 300.0 (-25.0 %)." in text
    assert "off 4.00 ms, on 4.10 ms (+2.5 %)." in text
    assert "0.030 ms per request" in text


def test_a_block_is_replaced_in_place_and_the_text_around_it_is_kept(tmp_path):
    doc = tmp_path / "PERFORMANCE.md"
    doc.write_text("# Performance\n\nprose\n\n<!-- bench:10 start -->\nold\n<!-- bench:10 end -->\n\n## After\n")

    markdown.update_block(doc, "bench:10", "new \\1 figures\n")

    assert doc.read_text() == (
        "# Performance\n\nprose\n\n<!-- bench:10 start -->\nnew \\1 figures\n<!-- bench:10 end -->\n\n## After\n"
    )


def test_a_new_block_is_appended_after_the_others(tmp_path):
    doc = tmp_path / "PERFORMANCE.md"
    doc.write_text("# Performance\n\n<!-- bench:10 start -->\nten\n<!-- bench:10 end -->\n")

    markdown.update_block(doc, "bench:load-10", "load\n")

    assert doc.read_text() == ("# Performance\n\n<!-- bench:10 start -->\nten\n<!-- bench:10 end -->\n\n"
                               "<!-- bench:load-10 start -->\nload\n<!-- bench:load-10 end -->\n")


def test_a_missing_file_starts_with_the_given_header(tmp_path):
    doc = tmp_path / "docs" / "PERFORMANCE.md"

    markdown.update_block(doc, "bench:10", "ten\n", new_file=markdown.PERFORMANCE_HEADER)

    text = doc.read_text()
    assert text.startswith("# Performance\n\nEvery figure on this page was printed by a command")
    assert text.endswith("<!-- bench:10 start -->\nten\n<!-- bench:10 end -->\n")
