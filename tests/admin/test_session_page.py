"""The session change page: the design job, research, timeline, TRD versions and errors it shows."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sessions_app.choices import SessionStatus
from tests.factories import (
    AgentErrorLogFactory,
    DesignDecisionFactory,
    DesignJobFactory,
    GeneratedTRDDocumentFactory,
    TechConversationFactory,
    TechResearchFactory,
    TechSpecSessionFactory,
)
from tests.support.admin import change_post_data, change_url

pytestmark = pytest.mark.django_db


def test_change_page_shows_design_job_research_timeline_trd_and_errors(admin_client):
    job = DesignJobFactory(with_outputs=True)
    DesignDecisionFactory(job=job, decision_type="typography", decision_value="Inter")
    session = TechSpecSessionFactory(design_job=job)
    TechResearchFactory(session=session, decided=True, technology_category="database")
    TechConversationFactory(session=session, message="Which database fits?")
    trd = GeneratedTRDDocumentFactory(session=session, version=2, quality_score=88)
    AgentErrorLogFactory(session=session, error_type="RateLimitError")

    html = admin_client.get(change_url(session)).content.decode()

    assert "typography" in html and "Inter" in html  # decisions through load_design_decisions
    assert "# prd" in html  # outputs through load_design_agent_outputs
    assert "PostgreSQL" in html and "database" in html
    assert "Which database fits?" in html
    assert f"/admin/sessions_app/techconversation/?session={session.pk}" in html
    assert reverse("admin:sessions_app_generatedtrddocument_document", args=[trd.pk]) in html
    assert f"compare/?session={session.pk}&amp;from=1&amp;to=2" in html
    assert "88" in html
    assert "RateLimitError" in html


def test_change_page_timeline_shows_the_latest_fifty_messages(admin_client):
    session = TechSpecSessionFactory()
    TechConversationFactory.create_batch(55, session=session)
    messages = list(session.conversations.order_by("timestamp", "id").values_list("message", flat=True))
    html = admin_client.get(change_url(session)).content.decode()
    assert messages[-1] in html and messages[5] in html
    assert f"<td>{messages[4]}</td>" not in html


def test_change_page_shows_the_latest_fifty_errors_and_trd_versions_and_still_saves(admin_client):
    session = TechSpecSessionFactory()
    now = timezone.now()
    errors = [AgentErrorLogFactory(session=session, created_at=now - timedelta(minutes=i)) for i in range(60)]
    for version in range(1, 61):
        GeneratedTRDDocumentFactory(session=session, version=version)

    page = admin_client.get(change_url(session))

    shown = {inline.formset.model.__name__: [form.instance for form in inline.formset.forms]
             for inline in page.context["inline_admin_formsets"]}
    assert [e.pk for e in shown["AgentErrorLog"]] == [e.pk for e in errors[:50]]  # newest first
    assert [t.version for t in shown["GeneratedTRDDocument"]] == list(range(60, 10, -1))
    response = admin_client.post(change_url(session), change_post_data(page, status="in_progress"))
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.status == SessionStatus.IN_PROGRESS


def test_change_page_says_which_design_outputs_are_missing(admin_client):
    session = TechSpecSessionFactory()  # a job without documents
    html = admin_client.get(change_url(session)).content.decode()
    assert "Missing required outputs: design_system, prd, screen_specs, ux_flow" in html


def test_full_conversation_link_lists_only_that_sessions_messages(admin_client):
    session = TechSpecSessionFactory()
    mine = TechConversationFactory.create_batch(3, session=session)
    TechConversationFactory()
    response = admin_client.get(reverse("admin:sessions_app_techconversation_changelist"), {"session": session.pk})
    assert {m.pk for m in response.context["cl"].result_list} == {m.pk for m in mine}


def test_session_page_labels_each_error_by_its_state(admin_client):
    session = TechSpecSessionFactory()
    recovered = AgentErrorLogFactory(session=session, recovered=True, node="recovered_node")
    AgentErrorLogFactory(session=session, recovered=False, node="open_node")
    html = admin_client.get(reverse("admin:sessions_app_techspecsession_change", args=[session.pk])).content.decode()
    row = re.search(r"<tr[^>]*>(?:(?!</tr>).)*recovered_node(?:(?!</tr>).)*</tr>", html, re.S).group(0)
    assert 'data-value="recovered"' in row and 'data-value="open"' not in row
    assert str(recovered.pk)[-8:] in row  # the link to the error is its id's tail, not the word "open"
    open_row = re.search(r"<tr[^>]*>(?:(?!</tr>).)*open_node(?:(?!</tr>).)*</tr>", html, re.S).group(0)
    assert 'data-value="open"' in open_row
