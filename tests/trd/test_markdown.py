"""The canonical Markdown of a TRD version, checked by parsing it with a CommonMark parser."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from markdown_it import MarkdownIt

from sessions_app.models import GeneratedTRDDocument
from sessions_app.trd.markdown import trd_markdown
from tests.factories import GeneratedTRDDocumentFactory

pytestmark = pytest.mark.django_db

DEMO = Path(__file__).resolve().parents[2] / "fixtures" / "demo.json"
DEMO_TRD = "7d000000-0000-4000-8000-000000000001"


def tokens(markdown: str):
    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).parse(markdown)


def code_blocks(markdown: str) -> list[tuple[str, str]]:
    """(language, content) of every fenced code block, in order."""
    return [(t.info.strip(), t.content) for t in tokens(markdown) if t.type == "fence"]


def headings(markdown: str) -> list[tuple[int, str]]:
    found = tokens(markdown)
    return [(int(t.tag[1]), found[i + 1].content) for i, t in enumerate(found) if t.type == "heading_open"]


def html_of(markdown: str) -> str:
    return MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"]).render(markdown)


@pytest.fixture
def demo_trd():
    call_command("loaddata", str(DEMO), verbosity=0)
    return GeneratedTRDDocument.objects.select_related("session").get(pk=DEMO_TRD)


def test_the_demo_trd_has_every_section_in_its_own_fence_with_its_content_exact(demo_trd):
    markdown = trd_markdown(demo_trd)

    assert code_blocks(markdown) == [
        ("yaml", demo_trd.api_specification),
        ("sql", demo_trd.database_schema),
        ("mermaid", demo_trd.architecture_diagram),
    ]
    assert headings(markdown) == [
        (1, "Technical Requirements Document, version 1"), (2, "Contents"),
        (1, "Technical Requirements Document"), (2, "1. Overview"), (2, "2. Architecture"),
        (2, "3. Non-functional Requirements"), (2, "API specification"), (2, "Database schema"),
        (2, "Architecture diagram"), (2, "Technology stack"), (2, "Validation report"),
    ]


def test_the_demo_trd_title_block_names_project_session_version_created_and_score(demo_trd):
    html = html_of(trd_markdown(demo_trd))
    for fact in ("<strong>Project:</strong> a0000000-0000-4000-8000-000000000001",
                 "<strong>Session:</strong> 5e000000-0000-4000-8000-000000000001",
                 "<strong>Version:</strong> 1", "<strong>Created:</strong> 2025-03-02 11:50 UTC",
                 "<strong>Quality score:</strong> 91.50"):
        assert fact in html


def test_the_contents_link_every_heading_to_the_ids_github_and_our_html_give_it(demo_trd):
    html = html_of(trd_markdown(demo_trd))
    contents = html.split("<h2>Contents</h2>")[1].split("<h1>")[0]
    for anchor, title in (("technical-requirements-document", "Technical Requirements Document"),
                          ("1-overview", "1. Overview"), ("3-non-functional-requirements",
                                                           "3. Non-functional Requirements"),
                          ("api-specification", "API specification"), ("validation-report", "Validation report")):
        assert f'<a href="#{anchor}">{title}</a>' in contents


def test_the_demo_stack_is_a_table_and_the_validation_report_is_readable(demo_trd):
    html = html_of(trd_markdown(demo_trd))
    assert "<th>Layer</th>" in html and "<td>Django Channels</td>" in html
    assert "<strong>Result:</strong> passed · <strong>Score:</strong> 91.5" in html
    assert "<li><strong>warnings:</strong> 1</li>" in html
    assert "{'passed'" not in html and '{"passed"' not in html


def test_a_json_api_specification_is_fenced_as_json():
    trd = GeneratedTRDDocumentFactory(api_specification='{"openapi": "3.1.0",\n  "paths": {}}\n')
    assert code_blocks(trd_markdown(trd))[0] == ("json", '{"openapi": "3.1.0",\n  "paths": {}}\n')


def test_yaml_indentation_survives_exactly():
    spec = "paths:\n  /a:\n    get:\n      responses:\n        '200': {description: ok}\n"
    trd = GeneratedTRDDocumentFactory(api_specification=spec)
    assert code_blocks(trd_markdown(trd))[0] == ("yaml", spec)


def test_content_already_fenced_is_not_fenced_twice():
    trd = GeneratedTRDDocumentFactory(database_schema="```sql\nCREATE TABLE t (id int);\n```\n",
                                      architecture_diagram="```\nflowchart LR\n  A --> B\n```")
    assert code_blocks(trd_markdown(trd)) == [("sql", "CREATE TABLE t (id int);\n"),
                                             ("mermaid", "flowchart LR\n  A --> B\n")]


def test_content_with_backtick_fences_inside_gets_a_longer_fence():
    spec = "description: |\n```\nnot a fence end\n```\npaths: {}\n"
    trd = GeneratedTRDDocumentFactory(api_specification=spec, database_schema="SELECT 1;")
    markdown = trd_markdown(trd)
    assert code_blocks(markdown)[:2] == [("yaml", spec), ("sql", "SELECT 1;\n")]
    assert "````yaml\n" in markdown


def test_an_unclosed_fence_in_the_content_is_closed_so_the_sections_after_it_stay_sections():
    trd = GeneratedTRDDocumentFactory(trd_content="# TRD\n\n```python\nprint('cut off by the model'",
                                      database_schema="SELECT 1;")
    markdown = trd_markdown(trd)
    assert ("python", "print('cut off by the model'\n") in code_blocks(markdown)
    assert (2, "Database schema") in headings(markdown)


def test_an_unclosed_script_block_cannot_swallow_the_sections_after_it():
    trd = GeneratedTRDDocumentFactory(trd_content="# TRD\n\n<script>\nalert(1)\n", database_schema="SELECT 1;")
    markdown = trd_markdown(trd)
    assert ("markdown", "# TRD\n\n<script>\nalert(1)\n") in code_blocks(markdown)
    assert ("sql", "SELECT 1;\n") in code_blocks(markdown)
    assert (2, "Database schema") in headings(markdown)


def test_hostile_headings_and_report_values_stay_text_in_the_contents_and_report():
    trd = GeneratedTRDDocumentFactory(
        trd_content="# [x](javascript:alert(1)) <b>bold</b> *em*\n",
        validation_report={"passed": False, "checks": [{"name": "<img src=x onerror=alert(1)>", "passed": False,
                                                        "message": "[y](javascript:alert(2)) | cell"}]},
    )
    html = html_of(trd_markdown(trd))
    contents = html.split("<h2>Contents</h2>")[1].split("<h1>")[0]
    assert "javascript:" not in contents.replace("[x](javascript:alert(1))", "")
    report = html.split("<h2>Validation report</h2>")[1]
    assert "&lt;img src=x onerror=alert(1)&gt;" in report and "<img" not in report
    assert "[y](javascript:alert(2)) | cell" in report and 'href="javascript' not in report
    assert "<strong>Result:</strong> failed" in report


def test_a_report_of_named_checks_becomes_a_table_and_an_empty_one_says_so():
    named = GeneratedTRDDocumentFactory(validation_report={"score": 70, "checks": {"api": True, "schema": {
        "passed": False, "message": "no index on fk"}}})
    html = html_of(trd_markdown(named))
    assert "<td>schema</td>\n<td>failed</td>\n<td>no index on fk</td>" in html
    assert "<td>api</td>\n<td>passed</td>" in html
    empty = GeneratedTRDDocumentFactory(validation_report={})
    assert "No validation report was stored with this version." in trd_markdown(empty)
