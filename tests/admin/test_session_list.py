"""The sessions admin list: columns, filters, exact-id search, estimated counts, sorting by indexed columns."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from design_bridge.models import DesignJobStatus
from sessions_app.choices import SessionStage, SessionStatus
from sessions_app.models import TechSpecSession
from techspec_project.admin_tables import EstimatedCountPaginator
from tests.factories import (
    AgentErrorLogFactory,
    DesignJobFactory,
    TechConversationFactory,
    TechResearchFactory,
    TechSpecSessionFactory,
)

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:sessions_app_techspecsession_changelist")
ADD = reverse("admin:sessions_app_techspecsession_add")


def listed(response) -> list[uuid.UUID]:
    return [session.pk for session in response.context["cl"].result_list]


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


