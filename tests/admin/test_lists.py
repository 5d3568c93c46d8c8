"""Lists a person can read: id tails with copy buttons, palette badges, date ranges, CSV export."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sessions_app.choices import SessionStage, SessionStatus
from sessions_app.models import AgentErrorLog, TechSpecSession
from techspec_project.admin_display import ago, date_html
from techspec_project.admin_palette import ERROR_COLOURS, STAGE_COLOURS, STATUS_COLOURS
from tests.factories import AgentErrorLogFactory, DesignJobFactory, TechSpecSessionFactory

pytestmark = pytest.mark.django_db

SESSIONS = reverse("admin:sessions_app_techspecsession_changelist")
ERRORS = reverse("admin:sessions_app_agenterrorlog_changelist")
SESSIONS_CSV = reverse("admin:sessions_app_techspecsession_export")
ERRORS_CSV = reverse("admin:sessions_app_agenterrorlog_export")
CHANGELISTS = [
    SESSIONS, ERRORS,
    reverse("admin:sessions_app_techresearch_changelist"),
    reverse("admin:sessions_app_techconversation_changelist"),
    reverse("admin:sessions_app_generatedtrddocument_changelist"),
    reverse("admin:design_bridge_designjob_changelist"),
    reverse("admin:design_bridge_designoutput_changelist"),
    reverse("admin:design_bridge_designdecision_changelist"),
    reverse("admin:design_bridge_designprogress_changelist"),
]


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_ids_that_share_their_start_are_told_apart_by_their_tail(admin_client):
    # UUIDv7-like ids made in the same millisecond: the first 8 characters are the same.
    first = TechSpecSessionFactory(id="019b6211-aaaa-7000-8000-00000000a001")
    second = TechSpecSessionFactory(id="019b6211-aaaa-7000-8000-00000000b002")

    html = admin_client.get(SESSIONS).content.decode()

    assert "…0000a001" in html and "…0000b002" in html
    for session in (first, second):
        assert f'data-copy="{session.pk}"' in html  # the copy button holds the whole id
        assert f'title="{session.pk}"' in html  # and hovering shows it


@pytest.mark.parametrize("url", CHANGELISTS)
def test_every_list_loads_the_copy_script_from_a_static_file(admin_client, url):
    html = admin_client.get(url).content.decode()
    assert "techspec/admin/copy-id.js" in html and "techspec/admin/lists.css" in html
    assert "actions.js" in html or "design_bridge" in url  # Django's own admin media are kept
    assert "<script>" not in html.replace("<script src", "")  # no inline script (CSP)


def test_statuses_and_stages_are_badges_in_the_palettes_colours(admin_client):
    TechSpecSessionFactory(status=SessionStatus.FAILED, current_stage=SessionStage.RESEARCH, progress_percentage=30)
    html = admin_client.get(SESSIONS).content.decode()
    assert f'data-value="failed" title="Failed" style="background-color:{STATUS_COLOURS["failed"]}"' in html
    assert f'style="background-color:{STAGE_COLOURS["research"]}"' in html


def test_error_states_are_badges(admin_client):
    AgentErrorLogFactory(recovered=False)
    AgentErrorLogFactory(recovered=True)
    html = admin_client.get(ERRORS).content.decode()
    assert 'data-value="open"' in html and ERROR_COLOURS["open"] in html
    assert 'data-value="recovered"' in html and ERROR_COLOURS["recovered"] in html


def test_dates_read_the_same_on_lists_and_on_django_pages(admin_client):
    moment = timezone.now().replace(year=2025, month=3, day=2, hour=8, minute=5, second=0, microsecond=0)
    session = TechSpecSessionFactory(created_at=moment)
    TechSpecSession.objects.filter(pk=session.pk).update(created_at=moment)
    listing = admin_client.get(SESSIONS).content.decode()
    page = admin_client.get(reverse("admin:sessions_app_techspecsession_change", args=[session.pk])).content.decode()
    assert ">2025-03-02 08:05</time>" in listing
    assert "2025-03-02 08:05" in page and "March 2, 2025" not in page


def test_date_range_filter_keeps_whole_days_of_the_indexed_column(admin_client):
    now = timezone.now()
    inside = TechSpecSessionFactory()
    before = TechSpecSessionFactory()
    TechSpecSession.objects.filter(pk=inside.pk).update(created_at=now - timedelta(days=3))
    TechSpecSession.objects.filter(pk=before.pk).update(created_at=now - timedelta(days=10))
    day = (now - timedelta(days=3)).date().isoformat()

    response = admin_client.get(SESSIONS, {"created_at__from": day, "created_at__to": day})

    assert [s.pk for s in response.context["cl"].result_list] == [inside.pk]
    assert 'name="created_at__from"' in response.content.decode()


def test_date_range_filter_refuses_a_malformed_date_without_an_error_page(admin_client):
    response = admin_client.get(SESSIONS, {"created_at__from": "yesterday"})
    assert response.status_code == 302 and "e=1" in response["Location"]


def test_session_csv_export_follows_the_filter(admin_client):
    failed = TechSpecSessionFactory(status=SessionStatus.FAILED, current_stage=SessionStage.RESEARCH,
                                    progress_percentage=10)
    TechSpecSessionFactory(status=SessionStatus.PENDING)

    page = admin_client.get(SESSIONS, {"status__exact": "failed"}).content.decode()
    assert f'href="{SESSIONS_CSV}?status__exact=failed"' in page
    rows = read_csv(admin_client.get(SESSIONS_CSV, {"status__exact": "failed"}))

    assert rows[0][:5] == ["id", "project_id", "design_job_id", "user_id", "status"]
    assert [row[0] for row in rows[1:]] == [str(failed.pk)]
    assert rows[1][4] == "failed"
    failed.refresh_from_db()
    written = rows[1][rows[0].index("created_at")]
    assert written.endswith("Z") and datetime.fromisoformat(written) == failed.created_at  # ISO 8601, UTC
    assert rows[1][rows[0].index("completed_at")] == ""


def test_error_csv_export_follows_the_filter_and_defuses_formulas(admin_client):
    wanted = AgentErrorLogFactory(node="generate_trd", message="=HYPERLINK(\"http://evil\")")
    AgentErrorLogFactory(node="research_technologies")

    rows = read_csv(admin_client.get(ERRORS_CSV, {"node": "generate_trd"}))

    assert [row[0] for row in rows[1:]] == [str(wanted.pk)]
    assert rows[1][rows[0].index("message")] == "'=HYPERLINK(\"http://evil\")"


def test_csv_export_quotes_every_cell_so_a_semicolon_cannot_start_a_formula(admin_client):
    # Spreadsheets in ";" locales split an unquoted line on ";": "x;=1+1" would become a formula cell.
    AgentErrorLogFactory(message="x;=1+1")

    body = b"".join(admin_client.get(ERRORS_CSV).streaming_content).decode()

    assert '"x;=1+1"' in body
    assert all(line.startswith('"') for line in body.splitlines())


def test_csv_export_is_newest_first_and_stops_at_its_bound_with_a_message(admin_client, monkeypatch):
    job = DesignJobFactory()
    now = timezone.now()
    sessions = [TechSpecSessionFactory(design_job=job, user_id=f"00000000-0000-4000-8000-00000000000{i}")
                for i in range(5)]
    for age, session in enumerate(sessions):
        TechSpecSession.objects.filter(pk=session.pk).update(created_at=now - timedelta(minutes=age))
    model_admin = admin.site._registry[TechSpecSession]
    monkeypatch.setattr(model_admin, "csv_max_rows", 3)
    monkeypatch.setattr("sessions_app.selectors.exports.EXPORT_BATCH", 2)  # several keyset batches

    rows = read_csv(admin_client.get(SESSIONS_CSV))

    assert [row[0] for row in rows[1:4]] == [str(s.pk) for s in sessions[:3]]
    assert len(rows) == 5 and rows[4][0].startswith("# Export stopped at 3 rows")

    monkeypatch.setattr(model_admin, "csv_max_rows", 5)
    rows = read_csv(admin_client.get(SESSIONS_CSV))
    assert [row[0] for row in rows[1:]] == [str(s.pk) for s in sessions]  # exactly the bound: no message


def test_csv_export_walks_ties_on_created_at_without_losing_rows(admin_client, monkeypatch):
    moment = timezone.now()
    errors = AgentErrorLogFactory.create_batch(7)
    AgentErrorLog.objects.update(created_at=moment)
    monkeypatch.setattr("sessions_app.selectors.exports.EXPORT_BATCH", 3)
    rows = read_csv(admin_client.get(ERRORS_CSV))
    assert sorted(row[0] for row in rows[1:]) == sorted(str(e.pk) for e in errors)


def test_csv_export_reads_in_a_bounded_number_of_queries(admin_client, monkeypatch):
    AgentErrorLogFactory.create_batch(6)
    monkeypatch.setattr("sessions_app.selectors.exports.EXPORT_BATCH", 1_000)
    with CaptureQueriesContext(connection) as few:
        read_csv(admin_client.get(ERRORS_CSV))
    AgentErrorLogFactory.create_batch(30)
    with CaptureQueriesContext(connection) as more:
        read_csv(admin_client.get(ERRORS_CSV))
    assert len(more) == len(few)


def test_csv_export_needs_a_staff_login(client):
    response = client.get(SESSIONS_CSV)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_research_list_marks_only_custom_and_missing_decisions(admin_client):
    from tests.factories import TechResearchFactory

    TechResearchFactory(technology_category="cache")
    TechResearchFactory(technology_category="database", decided=True)
    html = admin_client.get(reverse("admin:sessions_app_techresearch_changelist")).content.decode()
    assert "undecided" in html and "PostgreSQL" in html
    assert "icon-no.svg" not in html  # no red "no" icon on every row


def test_relative_times_read_the_same_on_lists_and_in_triage():
    now = timezone.now()
    # One helper: a list's date and the triage's "first seen" say "3 days ago" alike.
    assert ago(now - timedelta(days=3, hours=2), now) == "3 days ago"
    assert ">3 days ago</time>" in date_html(now - timedelta(days=3, hours=2), relative=True, now=now)
    assert ago(now - timedelta(minutes=4), now) == "4 min ago"
    assert ago(now - timedelta(seconds=3), now) == "just now"
    assert ago(now + timedelta(hours=2, minutes=5), now) == "in 2 h"
    assert ago(None) == "—"
