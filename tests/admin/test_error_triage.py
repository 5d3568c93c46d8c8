"""Error triage like an issue tracker: groups with trends, fallback windows, group recover/reopen, the error page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sessions_app.models import AgentErrorLog
from tests.factories import AgentErrorLogFactory

pytestmark = pytest.mark.django_db
GROUPS = reverse("admin:sessions_app_agenterrorlog_groups")
GROUP_ACTION = reverse("admin:sessions_app_agenterrorlog_group_recovered")


def aged(error, *, days: float = 0, hours: float = 0):
    AgentErrorLog.objects.filter(pk=error.pk).update(created_at=timezone.now() - timedelta(days=days, hours=hours))
    return error


def groups(response) -> dict:
    return {(r["group"].node, r["group"].error_type): r["group"] for r in response.context["rows"]}


def test_a_window_without_errors_falls_back_to_all_time(admin_client):
    aged(AgentErrorLogFactory(node="generate_trd", error_type="ValidationError"), days=90)

    response = admin_client.get(GROUPS)  # the default window is 30 days

    assert set(groups(response)) == {("generate_trd", "ValidationError")}
    assert 'id="fell-back"' in response.content.decode()


def test_a_window_says_how_many_older_errors_it_leaves_out(admin_client):
    AgentErrorLogFactory(node="new_node")
    for _ in range(2):
        aged(AgentErrorLogFactory(node="old_node"), days=90)

    response = admin_client.get(GROUPS, {"window": "30"})

    assert {node for node, _ in groups(response)} == {"new_node"}
    assert response.context["triage"].older == 2
    assert "2 older errors not in this window" in response.content.decode()


def test_groups_carry_totals_open_counts_relative_times_and_trends(admin_client):
    errors = AgentErrorLogFactory.create_batch(3, node="generate_trd", error_type="ValidationError")
    AgentErrorLog.objects.filter(pk=errors[0].pk).update(recovered=True)
    aged(errors[1], hours=5)
    aged(AgentErrorLogFactory(node="generate_trd", error_type="ValidationError"), days=3)

    response = admin_client.get(GROUPS, {"window": "all"})

    group = groups(response)[("generate_trd", "ValidationError")]
    assert (group.total, group.open) == (4, 3)
    assert group.hours[-1] == 2 and group.hours[-6] == 1 and sum(group.hours) == 3
    # Five hours ago may be yesterday (UTC days): count what today holds.
    today = AgentErrorLog.objects.filter(created_at__date=timezone.now().date()).count()
    assert group.days[-1] == today and group.days[-4] == 1 and sum(group.days) == 4
    html = response.content.decode()
    assert re.search(r'class="chart spark"[^>]*data-points="24"', html)
    assert re.search(r'class="chart spark"[^>]*data-points="14"', html)
    assert "3 days ago" in html  # first seen, largest unit only


@pytest.mark.parametrize("sort, first", [("count", "busy"), ("last_seen", "recent"), ("trend", "rising")])
def test_groups_sort_by_count_last_seen_or_trend(admin_client, sort, first):
    for _ in range(5):
        aged(AgentErrorLogFactory(node="busy"), days=10)  # many, but older than a week: trend down
    aged(AgentErrorLogFactory(node="recent"), hours=0)
    for _ in range(3):
        aged(AgentErrorLogFactory(node="rising"), days=1)
    rows = admin_client.get(GROUPS, {"window": "all", "sort": sort}).context["rows"]
    assert rows[0]["group"].node == first


def test_recovering_a_group_asks_first_then_changes_it_through_the_service(admin_client):
    AgentErrorLogFactory.create_batch(3, node="present_options", error_type="RateLimitError")
    AgentErrorLogFactory(node="present_options", error_type="RateLimitError", recovered=True)
    other = AgentErrorLogFactory(node="generate_trd", error_type="RateLimitError")
    params = {"node": "present_options", "error_type": "RateLimitError", "recovered": "1"}

    confirm = admin_client.get(GROUP_ACTION, params)

    assert confirm.context["count"] == 3 and "Yes, mark recovered 3 errors" in confirm.content.decode()
    assert AgentErrorLog.objects.filter(recovered=False).count() == 4  # asking changed nothing

    done = admin_client.post(GROUP_ACTION, params)

    assert done.status_code == 302
    assert [str(m) for m in get_messages(done.wsgi_request)] == [
        "3 errors of present_options · RateLimitError recovered."
    ]
    assert not AgentErrorLog.objects.filter(node="present_options", recovered=False).exists()
    other.refresh_from_db()
    assert other.recovered is False


def test_reopening_a_group_counts_what_changed(admin_client):
    AgentErrorLogFactory.create_batch(2, node="analyze_gaps", error_type="KeyError", recovered=True)
    AgentErrorLogFactory(node="analyze_gaps", error_type="KeyError")
    params = {"node": "analyze_gaps", "error_type": "KeyError", "recovered": "0"}
    assert admin_client.get(GROUP_ACTION, params).context["count"] == 2
    done = admin_client.post(GROUP_ACTION, params)
    assert "2 errors of analyze_gaps · KeyError reopened." in [str(m) for m in get_messages(done.wsgi_request)]
    assert AgentErrorLog.objects.filter(recovered=False).count() == 3


def test_a_view_only_staff_member_cannot_recover_a_group(client, django_user_model):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("viewer", password="x", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_agenterrorlog"))
    client.force_login(user)
    AgentErrorLogFactory(node="n", error_type="T")
    assert client.post(GROUP_ACTION, {"node": "n", "error_type": "T", "recovered": "1"}).status_code == 403
    assert AgentErrorLog.objects.get().recovered is False
    assert "recover-group" not in client.get(GROUPS).content.decode()


def test_error_page_keeps_the_stack_trace_monospaced_indented_and_escaped(admin_client):
    trace = 'Traceback (most recent call last):\n  File "agent/nodes.py", line 97\n    raise X("<b>")\nX: <b>'
    error = AgentErrorLogFactory(stack_trace=trace)

    html = admin_client.get(reverse("admin:sessions_app_agenterrorlog_change", args=[error.pk])).content.decode()

    block = re.search(r'<pre class="stack-trace"[^>]*>(.*?)</pre>', html, re.S)
    assert block and "monospace" in html[block.start():block.start() + 200]
    assert '\n  File &quot;agent/nodes.py&quot;, line 97\n    raise X(&quot;&lt;b&gt;&quot;)' in block.group(1)
    assert reverse("admin:sessions_app_techspecsession_change", args=[error.session_id]) in html
    assert GROUPS in html and 'data-value="open"' in html


def test_error_page_buttons_recover_and_reopen_it(admin_client):
    error = AgentErrorLogFactory()
    page = reverse("admin:sessions_app_agenterrorlog_change", args=[error.pk])
    action = reverse("admin:sessions_app_agenterrorlog_set_recovered", args=[error.pk])
    assert 'id="recover-error"' in admin_client.get(page).content.decode()

    assert admin_client.post(action, {"recovered": "1"})["Location"] == page
    error.refresh_from_db()
    assert error.recovered is True
    assert 'id="reopen-error"' in admin_client.get(page).content.decode()

    admin_client.post(action, {"recovered": "0"})
    error.refresh_from_db()
    assert error.recovered is False
    assert admin_client.get(action).status_code == 405


def test_grouped_view_query_count_does_not_grow_with_errors_or_groups(admin_client):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(GROUPS, {"window": "all", "sort": "trend"}).status_code == 200
        return len(captured)

    AgentErrorLogFactory(node="a", error_type="A")
    few = queries()
    for i in range(30):
        aged(AgentErrorLogFactory(node=f"node_{i % 6}", error_type=f"Type{i % 4}"), days=i)
    assert queries() == few


def test_a_hand_made_group_request_with_an_overlong_name_is_refused_cleanly(admin_client):
    AgentErrorLogFactory(node="n", error_type="T")
    response = admin_client.post(GROUP_ACTION, {"node": "n" * 101, "error_type": "T", "recovered": "1"})
    assert response.status_code == 302
    assert any("node" in str(m) for m in get_messages(response.wsgi_request))
    assert AgentErrorLog.objects.get().recovered is False


@pytest.mark.parametrize(("node", "error_type"), [("a\x00b", "Timeout"), ("planner", "Timeout\x00"), ("\x00", "\x00")])
def test_a_group_name_postgresql_cannot_hold_is_a_message_not_a_500(admin_client, node, error_type):
    error = AgentErrorLogFactory(node="planner", error_type="Timeout", recovered=False)
    query = {"node": node, "error_type": error_type}
    for response in (admin_client.get(GROUPS, query), admin_client.get(GROUP_ACTION, {**query, "recovered": "1"}),
                     admin_client.post(GROUP_ACTION, {**query, "recovered": "1"})):
        assert response.status_code == 302 and response.url == GROUPS
        assert any("NUL" in str(m) for m in get_messages(response.wsgi_request))
    error.refresh_from_db()
    assert error.recovered is False
