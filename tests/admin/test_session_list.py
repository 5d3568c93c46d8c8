"""The sessions admin: columns, filters, exact-id search, estimated counts, state changes through the service."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from design_bridge.models import DesignJobStatus
from sessions_app.admin.common import EstimatedCountPaginator
from sessions_app.choices import SessionStage, SessionStatus
from sessions_app.models import TechSpecSession
from tests.factories import (
    AgentErrorLogFactory,
    DesignDecisionFactory,
    DesignJobFactory,
    GeneratedTRDDocumentFactory,
    TechConversationFactory,
    TechResearchFactory,
    TechSpecSessionFactory,
)

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:sessions_app_techspecsession_changelist")
ADD = reverse("admin:sessions_app_techspecsession_add")


def change_url(session):
    return reverse("admin:sessions_app_techspecsession_change", args=[session.pk])


def listed(response) -> list[uuid.UUID]:
    return [session.pk for session in response.context["cl"].result_list]


def change_post_data(response, **fields) -> dict:
    """What the browser posts back: the change form's values and every inline form's fields
    (their hidden ids included), with `fields` overridden."""
    form = response.context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = management[name].value()
        for inline_form in inline.formset.forms:
            for name in inline_form.fields:
                data[inline_form.add_prefix(name)] = inline_form[name].value()
    data.update(fields)
    return {name: value for name, value in data.items() if value is not None}


def test_changelist_shows_page_counts_progress_and_design_job_status(admin_client):
    session = TechSpecSessionFactory(
        design_job=DesignJobFactory(status=DesignJobStatus.COMPLETED),
        status=SessionStatus.IN_PROGRESS, current_stage=SessionStage.RESEARCH, progress_percentage=40,
    )
    TechResearchFactory.create_batch(3, session=session)
    TechConversationFactory.create_batch(2, session=session)
    AgentErrorLogFactory.create_batch(2, session=session)
    AgentErrorLogFactory(session=session, recovered=True)
    quiet = TechSpecSessionFactory()

    response = admin_client.get(CHANGELIST)

    rows = {s.pk: s for s in response.context["cl"].result_list}
    assert rows[session.pk].page_counts.research == 3
    assert rows[session.pk].page_counts.conversations == 2
    assert rows[session.pk].page_counts.unrecovered_errors == 2
    assert rows[quiet.pk].page_counts.research == 0
    html = response.content.decode()
    assert '<progress max="100" value="40"' in html
    assert "Completed" in html  # the design job's status, joined across schemas


def test_changelist_lists_newest_first(admin_client):
    older = TechSpecSessionFactory()
    newer = TechSpecSessionFactory()
    TechSpecSession.objects.filter(pk=older.pk).update(created_at=newer.created_at.replace(year=2020))
    assert listed(admin_client.get(CHANGELIST)) == [newer.pk, older.pk]


def test_status_filter_lists_only_that_status(admin_client):
    pending = TechSpecSessionFactory()
    failed = TechSpecSessionFactory(status=SessionStatus.FAILED)
    assert listed(admin_client.get(CHANGELIST, {"status__exact": "failed"})) == [failed.pk]
    assert pending.pk not in listed(admin_client.get(CHANGELIST, {"status__exact": "failed"}))


def test_stage_filter_lists_only_that_stage(admin_client):
    TechSpecSessionFactory()
    analysing = TechSpecSessionFactory(status=SessionStatus.IN_PROGRESS, current_stage=SessionStage.ANALYSIS)
    assert listed(admin_client.get(CHANGELIST, {"current_stage__exact": "analysis"})) == [analysing.pk]


def test_unrecovered_errors_filter_uses_only_open_errors(admin_client):
    open_error = AgentErrorLogFactory().session
    recovered_only = AgentErrorLogFactory(recovered=True).session
    clean = TechSpecSessionFactory()
    assert listed(admin_client.get(CHANGELIST, {"has_unrecovered_errors": "yes"})) == [open_error.pk]
    assert set(listed(admin_client.get(CHANGELIST, {"has_unrecovered_errors": "no"}))) == {
        recovered_only.pk, clean.pk,
    }


def test_created_filter_is_a_date_range(admin_client):
    today = TechSpecSessionFactory()
    old = TechSpecSessionFactory()
    TechSpecSession.objects.filter(pk=old.pk).update(created_at=today.created_at.replace(year=2020))
    midnight = timezone.localtime(today.created_at).replace(hour=0, minute=0, second=0, microsecond=0)
    # The parameters the "Today" link of the created filter sends: a range on the indexed column.
    response = admin_client.get(
        CHANGELIST, {"created_at__gte": str(midnight), "created_at__lt": str(midnight + timedelta(days=1))}
    )
    assert listed(response) == [today.pk]


@pytest.mark.parametrize("key", ["pk", "project_id", "design_job_id"])
def test_search_finds_a_session_by_an_exact_id(admin_client, key):
    wanted = TechSpecSessionFactory()
    TechSpecSessionFactory()
    response = admin_client.get(CHANGELIST, {"q": f"  {getattr(wanted, key)} "})
    assert listed(response) == [wanted.pk]


def test_search_by_a_partial_id_finds_nothing_and_says_why(admin_client):
    session = TechSpecSessionFactory()
    response = admin_client.get(CHANGELIST, {"q": str(session.pk)[:8]})
    assert listed(response) == []
    assert any("exact UUID" in str(m) for m in get_messages(response.wsgi_request))


def test_search_never_uses_a_pattern_match(admin_client):
    session = TechSpecSessionFactory()
    with CaptureQueriesContext(connection) as queries:
        admin_client.get(CHANGELIST, {"q": str(session.project_id)})
    assert not [q["sql"] for q in queries if "LIKE" in q["sql"].upper()]


def test_changelist_runs_no_full_count_and_no_facets(admin_client):
    TechSpecSessionFactory.create_batch(3)
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(CHANGELIST, {"status__exact": "pending"})
    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper() and "GROUP BY" not in q["sql"].upper()]
    # Only the paginator's exact count of a small filtered result, never the unfiltered table's.
    assert len(counts) == 1 and "WHERE" in counts[0].upper()
    assert response.context["cl"].show_full_result_count is False
    assert response.context["cl"].add_facets is False


def test_paginator_uses_the_statistics_estimate_for_big_results():
    TechSpecSessionFactory.create_batch(12)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE tech_spec_sessions")
    paginator = EstimatedCountPaginator(TechSpecSession.objects.order_by("-created_at"), 50)
    paginator.exact_below = 0  # treat any table as big
    with CaptureQueriesContext(connection) as queries:
        count = paginator.count
    assert count == 12  # the planner's estimate after ANALYZE of a small table is exact
    assert len(queries) == 1 and queries[0]["sql"].startswith("EXPLAIN")


def test_paginator_estimates_a_filtered_result_with_explain():
    TechSpecSessionFactory.create_batch(3)
    paginator = EstimatedCountPaginator(TechSpecSession.objects.filter(status="failed"), 50)
    paginator.exact_below = 0
    with CaptureQueriesContext(connection) as queries:
        count = paginator.count
    assert count >= 1  # the planner never estimates zero rows
    assert queries[0]["sql"].startswith("EXPLAIN")


def test_paginator_counts_small_results_exactly():
    TechSpecSessionFactory.create_batch(3)
    assert EstimatedCountPaginator(TechSpecSession.objects.all(), 50).count == 3


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


def test_legal_status_change_goes_through_the_state_machine(admin_client):
    session = TechSpecSessionFactory()
    page = admin_client.get(change_url(session))
    response = admin_client.post(change_url(session), change_post_data(page, status="in_progress"))
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.status == SessionStatus.IN_PROGRESS


def test_completing_from_validation_sets_completed_at(admin_client):
    session = TechSpecSessionFactory(
        status=SessionStatus.IN_PROGRESS, current_stage=SessionStage.VALIDATION, progress_percentage=90
    )
    page = admin_client.get(change_url(session))
    response = admin_client.post(change_url(session), change_post_data(page, status="completed"))
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.status, session.current_stage, session.progress_percentage) == ("completed", "completed", 100)
    assert session.completed_at is not None


def test_illegal_status_change_shows_its_error_once_and_changes_nothing(admin_client):
    session = TechSpecSessionFactory()
    before = TechSpecSession.objects.values().get(pk=session.pk)
    page = admin_client.get(change_url(session))

    response = admin_client.post(change_url(session), change_post_data(page, status="completed"))

    assert response.status_code == 200  # the form again, not a redirect
    html = response.content.decode()
    assert html.count("cannot become &#x27;completed&#x27;") == 1
    assert TechSpecSession.objects.values().get(pk=session.pk) == before


def test_refused_status_change_page_title_shows_the_stored_status(admin_client):
    session = TechSpecSessionFactory()
    page = admin_client.get(change_url(session))

    response = admin_client.post(change_url(session), change_post_data(page, status="completed"))

    title = re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1)
    assert "(pending)" in title and "completed" not in title


def test_progress_backwards_is_refused(admin_client):
    session = TechSpecSessionFactory(
        status=SessionStatus.IN_PROGRESS, current_stage=SessionStage.ANALYSIS, progress_percentage=30
    )
    page = admin_client.get(change_url(session))
    response = admin_client.post(change_url(session), change_post_data(page, progress_percentage="10"))
    assert response.status_code == 200
    session.refresh_from_db()
    assert session.progress_percentage == 30


def test_add_starts_a_session_through_session_start(admin_client):
    job = DesignJobFactory(with_outputs=True)
    user_id = uuid.uuid4()
    data = {"project_id": str(job.project_id), "design_job": str(job.pk), "user_id": str(user_id)}
    response = admin_client.post(ADD, data)
    assert response.status_code == 302
    session = TechSpecSession.objects.get(design_job=job, user_id=user_id)
    assert session.status == SessionStatus.PENDING
    assert session.session_data["design_job"]["id"] == str(job.pk)  # the service's snapshot


def test_add_for_an_unfinished_design_job_shows_the_error_and_creates_nothing(admin_client):
    job = DesignJobFactory(status=DesignJobStatus.RUNNING)
    data = {"project_id": str(job.project_id), "design_job": str(job.pk), "user_id": str(uuid.uuid4())}
    response = admin_client.post(ADD, data)
    assert response.status_code == 200
    [error] = response.context["adminform"].form.non_field_errors()
    assert response.content.decode().count(escape(error)) == 1  # once, beside the form
    assert not TechSpecSession.objects.filter(design_job=job).exists()


def test_full_conversation_link_lists_only_that_sessions_messages(admin_client):
    session = TechSpecSessionFactory()
    mine = TechConversationFactory.create_batch(3, session=session)
    TechConversationFactory()
    response = admin_client.get(reverse("admin:sessions_app_techconversation_changelist"), {"session": session.pk})
    assert {m.pk for m in response.context["cl"].result_list} == {m.pk for m in mine}


def test_sessions_sort_only_by_indexed_columns(admin_client):
    TechSpecSessionFactory.create_batch(2)
    html = admin_client.get(CHANGELIST).content.decode()
    assert 'class="sortable column-created' in html
    assert 'class="sortable column-progress' not in html
    assert 'class="sortable column-status_badge' not in html

    # Nor by a hand-made ?o= on a column without an index.
    columns = list(admin_client.get(CHANGELIST).context["cl"].list_display)
    by_hand = admin_client.get(CHANGELIST, {"o": str(columns.index("status_badge"))}).context["cl"]
    assert [str(o) for o in by_hand.queryset.query.order_by] == ["-created_at", "-id"]


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
