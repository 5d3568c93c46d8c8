"""The TRD's admin pages: the rendered document, its change page and compare, all under a CSP."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from sessions_app.trd.assets import DIAGRAMS_JS, MERMAID_JS
from tests.factories import GeneratedTRDDocumentFactory, TechSpecSessionFactory
from tests.support.trd_hostile import HOSTILE, assert_nothing_hostile_survives

pytestmark = pytest.mark.django_db


def document_url(trd) -> str:
    return reverse("admin:sessions_app_generatedtrddocument_document", args=[trd.pk])


def compare_url(session, **params) -> str:
    query = "&".join(f"{k}={v}" for k, v in {"session": session.pk, **params}.items())
    return reverse("admin:sessions_app_generatedtrddocument_compare") + "?" + query


def assert_only_own_scripts(response) -> None:
    policy = response["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy.split("style-src")[0]
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy


def test_the_document_page_renders_headings_tables_code_and_the_diagram_for_mermaid(admin_client):
    trd = GeneratedTRDDocumentFactory(
        trd_content="# Title\n\n## Scope\n\n| a | b |\n| --- | --- |\n| 1 | 2 |\n",
        api_specification="paths:\n  /a:\n    get: {}\n", architecture_diagram="flowchart LR\n  A --> B\n",
    )
    response = admin_client.get(document_url(trd))

    assert response.status_code == 200
    assert_only_own_scripts(response)
    html = response.content.decode()
    assert '<h2 id="scope">Scope</h2>' in html and "<td>1</td>" in html
    assert '<pre class="highlight"><code class="trd-code"><span class="nt">paths</span>' in html
    assert '<pre class="mermaid">flowchart LR\n  A --&gt; B\n</pre>' in html
    scripts = re.findall(r'<script[^>]*src="([^"]+)"', html)
    assert any(MERMAID_JS.rsplit(".", 2)[0] in src for src in scripts)
    assert any(DIAGRAMS_JS.rsplit(".", 1)[0] in src for src in scripts)
    assert all(src.startswith("/static/") for src in scripts)  # never a CDN


def test_the_document_page_shows_hostile_content_only_as_text(admin_client):
    trd = GeneratedTRDDocumentFactory(**HOSTILE)
    html = admin_client.get(document_url(trd)).content.decode()
    article = html.split('<article class="trd-doc" id="trd-document">')[1].split("</article>")[0]
    assert_nothing_hostile_survives(article)
    assert "[markdown link](javascript:window.__trd_xss='md-link')" in article  # text, not a link


def test_a_document_without_a_diagram_loads_no_mermaid(admin_client):
    trd = GeneratedTRDDocumentFactory(architecture_diagram="")
    assert "mermaid" not in admin_client.get(document_url(trd)).content.decode().split("</head>")[0]


def test_the_change_page_keeps_yaml_indentation_and_reads_the_validation_report(admin_client):
    trd = GeneratedTRDDocumentFactory(
        api_specification="paths:\n  /a:\n    get: {}\n",
        validation_report={"passed": False, "score": 61, "checks": [{"name": "schema_fk", "passed": False,
                                                                    "message": "no index on <fk>"}]},
    )
    response = admin_client.get(reverse("admin:sessions_app_generatedtrddocument_change", args=[trd.pk]))
    assert_only_own_scripts(response)
    html = response.content.decode()
    assert '<pre class="trd-source">paths:\n  /a:\n    get: {}\n</pre>' in html
    assert "<td>schema_fk</td>\n<td>failed</td>\n<td>no index on &lt;fk&gt;</td>" in html
    assert "<strong>Result:</strong> failed · <strong>Score:</strong> 61" in html
    assert "{&#x27;passed&#x27;" not in html


def test_compare_marks_added_and_removed_lines_per_section_and_escapes_them(admin_client):
    session = TechSpecSessionFactory()
    GeneratedTRDDocumentFactory(session=session, version=1, trd_content="# TRD\n\nkeep\nold <b>line</b>\n")
    GeneratedTRDDocumentFactory(session=session, version=2, trd_content="# TRD\n\nkeep\n<script>alert(1)</script>\n")

    response = admin_client.get(compare_url(session, **{"from": 1, "to": 2}))

    assert response.status_code == 200
    assert_only_own_scripts(response)
    html = response.content.decode()
    table = html.split('data-section="trd_content"')[1].split("</table>")[0]
    assert re.search(r'<tr class="removed"><td class="num">4</td><td class="num"></td><td class="mark">−</td>'
                     r"<td>old &lt;b&gt;line&lt;/b&gt;</td></tr>", table)
    assert re.search(r'<tr class="added"><td class="num"></td><td class="num">4</td><td class="mark">\+</td>'
                     r"<td>&lt;script&gt;alert\(1\)&lt;/script&gt;</td></tr>", table)
    assert '<tr class="context"><td class="num">3</td><td class="num">3</td>' in table
    assert "<script>alert(1)" not in html
    assert 'data-section="database_schema"' not in html  # unchanged sections get no diff table


def test_compare_without_versions_chosen_shows_the_latest_two(admin_client):
    session = TechSpecSessionFactory()
    for version in (1, 2, 3):
        GeneratedTRDDocumentFactory(session=session, version=version, trd_content=f"# v{version}\n")
    response = admin_client.get(compare_url(session))
    assert (response.context["old"].version, response.context["new"].version) == (2, 3)
    assert '<option value="1">v1</option>' in response.content.decode()


def test_compare_of_one_version_with_itself_is_400_and_an_unknown_version_404(admin_client):
    session = TechSpecSessionFactory()
    GeneratedTRDDocumentFactory(session=session, version=1)
    GeneratedTRDDocumentFactory(session=session, version=2)
    same = admin_client.get(compare_url(session, **{"from": 2, "to": 2}))
    assert same.status_code == 400 and "choose two different versions" in same.content.decode()
    assert admin_client.get(compare_url(session, **{"from": 1, "to": 9})).status_code == 404
    assert admin_client.get(compare_url(session, **{"from": "x", "to": 2})).status_code == 400
    missing = reverse("admin:sessions_app_generatedtrddocument_compare") + "?session=not-a-session"
    assert admin_client.get(missing).status_code == 404


def test_the_document_pages_downloads_work_with_the_staff_admin_login(admin_client):
    trd = GeneratedTRDDocumentFactory(version=1, architecture_diagram="flowchart LR\n  A --> B\n")
    html = admin_client.get(document_url(trd)).content.decode()
    for export, media_type in (("md", "text/markdown"), ("html", "text/html")):
        link = re.search(rf'href="([^"]+format={export})"', html).group(1).replace("&amp;", "&")
        response = admin_client.get(link)
        assert response.status_code == 200 and response["Content-Type"].startswith(media_type)
        assert f"trd-{trd.session_id}-v1.{export}" in response["Content-Disposition"]
