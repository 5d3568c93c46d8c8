"""The staff overview: exact counts, per-day charts, durations, quality, stuck sessions, errors per node."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sessions_app.models import AgentErrorLog, TechSpecSession
from tests.factories import AgentErrorLogFactory, GeneratedTRDDocumentFactory, TechSpecSessionFactory

pytestmark = pytest.mark.django_db
OVERVIEW = reverse("admin-overview")


def idle(session, *, minutes: int):
    TechSpecSession.objects.filter(pk=session.pk).update(updated_at=timezone.now() - timedelta(minutes=minutes))


def test_index_links_to_the_overview_first(admin_client):
    html = admin_client.get(reverse("admin:index")).content.decode()
    assert html.index(OVERVIEW) < html.index(reverse("admin:sessions_app_techspecsession_changelist"))


def test_overview_needs_a_staff_login(client):
    response = client.get(OVERVIEW)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_counts_by_status_and_stage_are_exact_and_drawn(admin_client):
    TechSpecSessionFactory.create_batch(3)
    TechSpecSessionFactory(status="in_progress", current_stage="research", progress_percentage=25)
    TechSpecSessionFactory(completed=True)

    response = admin_client.get(OVERVIEW)

    data = response.context["data"]
    assert (data.by_status["pending"], data.by_status["in_progress"], data.by_status["completed"]) == (3, 1, 1)
    assert (data.by_stage["initialization"], data.by_stage["research"], data.by_stage["completed"]) == (3, 1, 1)
    html = response.content.decode()
    assert html.count('class="chart bars"') >= 4
    assert "<title>Pending: 3</title>" in html and "<title>Technology research: 1</title>" in html


def test_started_and_completed_per_day_end_today(admin_client):
    TechSpecSessionFactory.create_batch(2)
    TechSpecSessionFactory(completed=True)

    response = admin_client.get(OVERVIEW, {"days": "7"})

    data = response.context["data"]
    assert len(data.started) == 7 and data.end == timezone.now().date()
    assert (data.started[-1], data.completed[-1]) == (3, 1)
    points = re.search(r'class="chart lines"[^>]*data-points="(\d+)"', response.content.decode())
    assert points and int(points.group(1)) == 14  # two series of seven days


def test_funnel_counts_sessions_that_reached_each_stage(admin_client):
    TechSpecSessionFactory(status="in_progress", current_stage="research", progress_percentage=25)
    TechSpecSessionFactory(status="in_progress", current_stage="generation", progress_percentage=75)
    funnel = dict(admin_client.get(OVERVIEW).context["data"].funnel)
    assert (funnel["initialization"], funnel["research"], funnel["decisions"], funnel["generation"]) == (2, 2, 1, 1)
    assert funnel["validation"] == 0


def test_median_time_to_completion(admin_client):
    for hours in (1, 2, 4):
        session = TechSpecSessionFactory(completed=True)
        TechSpecSession.objects.filter(pk=session.pk).update(
            created_at=session.completed_at - timedelta(hours=hours)
        )
    data = admin_client.get(OVERVIEW).context["data"]
    assert data.completions == 3
    assert 2 * 3600 * 0.85 <= data.median_seconds <= 2 * 3600 * 1.2
    assert data.p90_seconds >= data.median_seconds


def test_trd_quality_distribution(admin_client):
    session = TechSpecSessionFactory()
    GeneratedTRDDocumentFactory(session=session, version=1, quality_score=72)
    GeneratedTRDDocumentFactory(session=session, version=2, quality_score=95)
    GeneratedTRDDocumentFactory(session=session, version=3, quality_score=100)
    quality = dict(admin_client.get(OVERVIEW).context["data"].trd_quality)
    assert (quality["70–80"], quality["80–90"], quality["90–100"]) == (1, 0, 2)


def test_stuck_sessions_are_running_ones_idle_past_the_threshold(admin_client, settings):
    settings.STUCK_SESSION_MINUTES = 60
    stuck = TechSpecSessionFactory(status="waiting_user", current_stage="decisions", progress_percentage=45)
    busy = TechSpecSessionFactory(status="in_progress", current_stage="research", progress_percentage=25)
    pending = TechSpecSessionFactory()
    idle(stuck, minutes=90)
    idle(busy, minutes=10)
    idle(pending, minutes=600)

    response = admin_client.get(OVERVIEW)

    assert [s.pk for s in response.context["data"].stuck] == [stuck.pk]
    html = response.content.decode()
    assert reverse("admin:sessions_app_techspecsession_change", args=[stuck.pk]) in html
    assert 'data-value="waiting_user"' in html and "Stuck sessions: 1" in html

    settings.STUCK_SESSION_MINUTES = 120
    assert admin_client.get(OVERVIEW).context["data"].stuck == []


def test_a_window_without_data_moves_to_the_latest_day_with_data(admin_client):
    session = TechSpecSessionFactory()
    long_ago = timezone.now() - timedelta(days=200)
    TechSpecSession.objects.filter(pk=session.pk).update(created_at=long_ago)

    response = admin_client.get(OVERVIEW)

    data = response.context["data"]
    assert data.end == long_ago.date() and sum(data.started) == 1
    assert 'id="window-shifted"' in response.content.decode()


def test_errors_per_day_by_node_are_small_multiples_with_escaped_names(admin_client):
    AgentErrorLogFactory.create_batch(2, node="generate_trd")
    AgentErrorLogFactory(node="<script>alert(1)</script>")
    response = admin_client.get(OVERVIEW)
    assert response.context["data"].errors_by_node["generate_trd"][-1] == 2
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert len(re.findall(r'class="chart spark"', html)) == 2


def test_overview_query_count_does_not_grow_with_the_data(admin_client):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(OVERVIEW).status_code == 200
        return len(captured)

    def add(n: int):
        for i in range(n):
            session = TechSpecSessionFactory(status="in_progress", current_stage="research", progress_percentage=25)
            idle(session, minutes=300)
            AgentErrorLogFactory(session=session, node=f"node_{i % 4}")
            GeneratedTRDDocumentFactory(session=session, version=1, quality_score=80)
        TechSpecSessionFactory(completed=True)

    add(2)
    few = queries()
    add(25)
    assert queries() == few
    assert AgentErrorLog.objects.count() == 27


def test_a_year_is_drawn_per_week(admin_client):
    TechSpecSessionFactory.create_batch(2)
    response = admin_client.get(OVERVIEW, {"days": "365"})
    html = response.content.decode()
    points = re.search(r'class="chart lines"[^>]*data-points="(\d+)"', html)
    assert int(points.group(1)) == 2 * 53 and "started and completed per week" in html
    assert sum(response.context["data"].started) == 2  # the figures stay per day underneath
