"""Agent error triage: columns, filters, recover / reopen actions, the grouped view."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from sessions_app.models import AgentErrorLog
from tests.factories import AgentErrorLogFactory, TechSpecSessionFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:sessions_app_agenterrorlog_changelist")
GROUPS = reverse("admin:sessions_app_agenterrorlog_groups")


def act(client, action, errors, **params):
    data = {"action": action, "_selected_action": [str(e.pk) for e in errors], "index": 0}
    return client.post(CHANGELIST + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else ""), data)


def success_messages(response):
    return [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "success"]


def test_changelist_shows_triage_columns(admin_client):
    error = AgentErrorLogFactory(message="Search provider timed out after 30 s " * 10, retry_count=3)
    html = admin_client.get(CHANGELIST).content.decode()
    assert "research_technologies" in html and "TimeoutError" in html and "retry_with_backoff" in html
    assert "Search provider timed out after 30 s" in html
    assert "…" in html  # the message is an excerpt
    assert reverse("admin:sessions_app_techspecsession_change", args=[error.session_id]) in html


def test_node_error_type_and_recovered_filters(admin_client):
    wanted = AgentErrorLogFactory(node="generate_trd", error_type="ValidationError")
    AgentErrorLogFactory(node="generate_trd", error_type="TimeoutError")
    AgentErrorLogFactory(node="generate_trd", error_type="ValidationError", recovered=True)
    response = admin_client.get(
        CHANGELIST, {"node": "generate_trd", "error_type": "ValidationError", "recovered__exact": "0"}
    )
    assert [e.pk for e in response.context["cl"].result_list] == [wanted.pk]


def test_filter_sidebar_offers_the_recent_nodes(admin_client):
    AgentErrorLogFactory(node="analyze_gaps")
    html = admin_client.get(CHANGELIST).content.decode()
    assert "?node=analyze_gaps" in html


def test_mark_recovered_changes_only_the_selected_open_errors(admin_client):
    session = TechSpecSessionFactory()
    chosen = AgentErrorLogFactory.create_batch(2, session=session)
    already = AgentErrorLogFactory(session=session, recovered=True)
    untouched = AgentErrorLogFactory(session=session)

    response = act(admin_client, "mark_recovered", [*chosen, already])

    assert response.status_code == 302
    assert set(AgentErrorLog.objects.filter(recovered=True).values_list("pk", flat=True)) == {
        chosen[0].pk, chosen[1].pk, already.pk,
    }
    untouched.refresh_from_db()
    assert untouched.recovered is False
    assert success_messages(response) == ["2 errors recovered (1 already were)."]


def test_reopen_changes_only_the_selected_recovered_errors(admin_client):
    chosen = AgentErrorLogFactory(recovered=True)
    other = AgentErrorLogFactory(recovered=True)
    response = act(admin_client, "reopen", [chosen])
    chosen.refresh_from_db()
    other.refresh_from_db()
    assert (chosen.recovered, other.recovered) == (False, True)
    assert success_messages(response) == ["1 error reopened."]


def test_error_change_page_is_read_only(admin_client):
    error = AgentErrorLogFactory()
    url = reverse("admin:sessions_app_agenterrorlog_change", args=[error.pk])
    assert admin_client.get(url).status_code == 200
    assert admin_client.post(url, {"recovered": "on"}).status_code == 403
    assert admin_client.get(reverse("admin:sessions_app_agenterrorlog_delete", args=[error.pk])).status_code == 403


def test_grouped_view_has_one_row_per_node_and_type_with_counts(admin_client):
    AgentErrorLogFactory.create_batch(3, node="generate_trd", error_type="ValidationError")
    AgentErrorLogFactory(node="generate_trd", error_type="ValidationError", recovered=True)
    AgentErrorLogFactory(node="analyze_gaps", error_type="KeyError", recovered=True)

    response = admin_client.get(GROUPS)

    assert response.status_code == 200
    groups = {(r["group"].node, r["group"].error_type): r for r in response.context["rows"]}
    assert set(groups) == {("generate_trd", "ValidationError"), ("analyze_gaps", "KeyError")}
    trd = groups[("generate_trd", "ValidationError")]
    assert (trd["group"].total, trd["group"].open) == (4, 3)
    assert trd["group"].first_seen <= trd["group"].last_seen
    assert (groups[("analyze_gaps", "KeyError")]["group"].open) == 0
    # Most open errors first.
    assert response.context["rows"][0] is trd


def test_grouped_view_links_to_the_filtered_list(admin_client):
    AgentErrorLogFactory.create_batch(2, node="generate_trd", error_type="ValidationError")
    AgentErrorLogFactory(node="generate_trd", error_type="TimeoutError")
    groups = admin_client.get(GROUPS)
    row = groups.context["rows"][0]
    assert row["open_url"] in groups.content.decode().replace("&amp;", "&")
    listed = admin_client.get(row["open_url"]).context["cl"].result_list
    assert len(listed) == 2 and {e.error_type for e in listed} == {"ValidationError"}


def test_grouped_view_window_leaves_out_older_errors(admin_client):
    old = AgentErrorLogFactory(node="old_node")
    AgentErrorLog.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=90))
    AgentErrorLogFactory(node="new_node")
    nodes = lambda window: {r["group"].node for r in admin_client.get(GROUPS, {"window": window}).context["rows"]}  # noqa: E731
    assert nodes("30") == {"new_node"}
    assert nodes("all") == {"old_node", "new_node"}


def test_changelist_links_to_the_grouped_view(admin_client):
    assert GROUPS in admin_client.get(CHANGELIST).content.decode()
