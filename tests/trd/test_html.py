"""TRD HTML: sanitised whatever the agent wrote, highlighted, and the export file stands alone."""

from __future__ import annotations

import re

import pytest

from sessions_app.trd import assets
from sessions_app.trd.document import cache_key, trd_document
from sessions_app.trd.export import trd_html_file
from sessions_app.trd.html import markdown_to_html, pygments_css
from tests.factories import GeneratedTRDDocumentFactory
from tests.support.trd_hostile import HOSTILE, Collected, assert_nothing_hostile_survives

pytestmark = pytest.mark.django_db


def test_hostile_markup_in_a_trd_never_survives_as_markup():
    trd = GeneratedTRDDocumentFactory(**HOSTILE)
    html = trd_document(trd).html
    assert_nothing_hostile_survives(html)
    assert "__trd_xss = 'script'" not in html  # a script's content is dropped with it
    # A Markdown link to javascript: stays visible as the text the agent wrote, not a link.
    assert "[markdown link](javascript:window.__trd_xss='md-link')" in html
    assert "raw link" in html and "overlay" in html


def test_code_is_highlighted_by_pygments_and_diagrams_kept_as_mermaid_source():
    html = markdown_to_html("```sql\nSELECT id FROM boards WHERE a > 1;\n```\n\n```mermaid\nA --> B\n```\n")
    assert '<pre class="highlight"><code class="trd-code"><span class="k">SELECT</span>' in html
    assert '<pre class="mermaid">A --&gt; B\n</pre>' in html


def test_tables_keep_their_alignment_and_nothing_else_of_style():
    html = markdown_to_html("| a | b |\n| --: | :-- |\n| 1 | 2 |\n")
    assert '<th style="text-align:right">a</th>' in html and '<td style="text-align:left">2</td>' in html


def test_the_rendering_is_cached_per_trd_and_read_back():
    from django.core.cache import cache

    trd = GeneratedTRDDocumentFactory(trd_content="# Cached\n")
    first = trd_document(trd)
    assert cache.get(cache_key(trd.pk)) == (first.markdown, first.html)
    trd.trd_content = "# Changed behind the cache\n"  # a stored version never changes; the cache trusts that
    assert trd_document(trd) == first


def test_the_static_pygments_css_is_the_one_pygments_generates():
    on_disk = assets.static_text(assets.PYGMENTS_CSS)
    assert pygments_css() in on_disk, (
        "Regenerate sessions_app/static/sessions_app/trd/pygments.css from sessions_app.trd.html.pygments_css()"
    )


def test_the_vendored_mermaid_build_can_be_inlined_in_a_script_element():
    source = assets.static_text(assets.MERMAID_JS)
    assert len(source) > 1_000_000 and 'globalThis["mermaid"]' in source
    assert "</script" not in source.lower() and "<script" not in source.lower()
    assert "MIT" in (assets.STATIC / assets.MERMAID_JS).with_name("LICENSE").read_text()


def test_the_export_file_inlines_its_styles_and_scripts_and_allows_only_them_by_hash():
    trd = GeneratedTRDDocumentFactory(architecture_diagram="flowchart LR\n  A --> B\n", **{
        k: v for k, v in HOSTILE.items() if k != "tech_stack_document"})
    page = trd_html_file(trd)

    found = Collected(page)
    assert not [attrs for tag, attrs in found.tags if tag in ("script", "link", "img") and
                (attrs.get("src") or attrs.get("href"))], "the file must not load anything"
    inline = re.findall(r"<script>(.*?)</script>", page, re.S)
    assert len(inline) == 2 and 'globalThis["mermaid"]' in inline[0] and "mermaid.run" in inline[1]
    policy = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', page).group(1)
    policy = policy.replace("&#x27;", "'")
    assert f"script-src {assets.script_hash(inline[0])} {assets.script_hash(inline[1])};" in policy
    assert '<pre class="mermaid">flowchart LR\n  A --&gt; B\n</pre>' in page
    assert "<style>" in page and ".trd-doc .highlight .k" in page
    assert_nothing_hostile_survives(page.split("<main", 1)[1].split("</main>")[0])


def test_an_export_without_a_diagram_carries_no_script_and_allows_none():
    page = trd_html_file(GeneratedTRDDocumentFactory(architecture_diagram=""))
    assert "<script" not in page and "script-src &#x27;none&#x27;" in page


@pytest.mark.parametrize("fields", [
    {},
    HOSTILE,
    {"trd_content": "    indented first line\n\n# TRD\n\n```py\nopen fence", "database_schema": "SELECT 1;"},
    {"trd_content": "- a list\n- to the end", "tech_stack_document": "[x]: /defined-late\n\n[x]"},
    {"trd_content": "[link][late]\n\n# Same\n\n# Same\n", "tech_stack_document": "[late]: https://example.com"},
], ids=["plain", "hostile", "indented-and-open-fence", "lists-and-references", "late-reference"])
def test_the_cached_rendering_is_exactly_the_html_of_the_markdown_it_caches(fields):
    from sessions_app.trd.document import trd_render

    rendered = trd_render(GeneratedTRDDocumentFactory(**fields))
    assert rendered.html == markdown_to_html(rendered.markdown)
