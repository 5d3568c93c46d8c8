"""What every benchmark pattern runs against: one rolled-back transaction holding a session to
read, API and admin clients, and a session with a long timeline (bench_queries and the
performance gate both use it)."""

from __future__ import annotations

import logging
import uuid
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from types import SimpleNamespace
from typing import Any, TypeVar

from django.conf import settings
from django.db import connection, transaction
from django.test.utils import override_settings
from django.urls import NoReverseMatch, reverse

from sessions_app.api.token_keys import token_issue
from sessions_app.models import AgentErrorLog, GeneratedTRDDocument, TechResearch, TechSpecSession
from sessions_app.roles import Role
from tooling.benchmarks.patterns import Pattern

T = TypeVar("T")


class NothingToMeasure(Exception):
    """The database has no sessions to sample; seed it first."""


def _context() -> SimpleNamespace:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from rest_framework.test import APIClient

    research = TechResearch.objects.order_by().values_list("session_id", flat=True).first()
    session = TechSpecSession.objects.filter(pk=research).first() if research else TechSpecSession.objects.first()
    if session is None:
        raise NothingToMeasure("There are no sessions to measure. Run `manage.py seed_data --sessions N` first.")
    trd = GeneratedTRDDocument.objects.order_by().values_list("session_id", flat=True).first()
    node = AgentErrorLog.objects.order_by().values_list("node", flat=True).first() or "generate_trd"

    token = token_issue(role=Role.STAFF, user_id=uuid.uuid4(), ttl=timedelta(hours=1))
    host = (settings.ALLOWED_HOSTS or ["localhost"])[0].lstrip(".")
    client = APIClient(HTTP_HOST=host)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")

    # Rolled back with everything else the benchmark writes.
    staff = get_user_model().objects.create_superuser(f"bench-{uuid.uuid4().hex[:8]}", password=None)
    admin_client = Client(HTTP_HOST=host)
    admin_client.force_login(staff)

    return SimpleNamespace(
        session_id=session.id, design_job_id=session.design_job_id, status=session.status,
        trd_session_id=trd or session.id, node=node, client=client, admin_client=admin_client,
        admin_urls=_admin_urls(session.id),
        busy_session_id=_busy_session(BUSY_SESSION_MESSAGES),
    )


# The timeline patterns open a session with this many messages: a page must cost what it costs for 10.
BUSY_SESSION_MESSAGES = 10_000


def _busy_session(messages: int) -> Any:
    """The oldest session, given `messages` more messages and status updates (rolled back with the run)."""
    busy = TechSpecSession.objects.order_by("created_at", "id").values_list("id", flat=True).first()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO tech_conversations (id, session_id, role, message, message_type, metadata, timestamp) "
            "SELECT gen_random_uuid(), %s, 'agent', 'bench_queries timeline message ' || n, 'text', '{}', "
            "now() - make_interval(secs => n) FROM generate_series(1, %s) AS n",
            [busy, messages],
        )
        # And as many status updates: mostly progress ticks, a stage change every 20th (the timeline's
        # state branch must skip the ticks through its index, not read them). Numbered after the
        # session's last event, and the counter moved on, as the event triggers would.
        cursor.execute(
            "WITH last AS (SELECT coalesce(max(seq), 0) AS seq FROM session_events WHERE session_id = %(s)s), "
            "added AS (INSERT INTO session_events (session_id, seq, kind, object_id, data, created_at) "
            "SELECT %(s)s, last.seq + n, 'session.updated', %(s)s, jsonb_build_object("
            "'status', 'in_progress', 'current_stage', 'stage ' || n / 20, 'previous_status', 'in_progress', "
            "'previous_stage', 'stage ' || (n - 1) / 20, 'progress_percentage', n %% 100, 'completed_at', null), "
            "now() - make_interval(secs => %(n)s - n) FROM last, generate_series(1, %(n)s) AS n RETURNING seq) "
            "INSERT INTO session_event_counters (session_id, last_seq) SELECT %(s)s, max(seq) FROM added "
            "ON CONFLICT (session_id) DO UPDATE SET last_seq = excluded.last_seq",
            {"s": busy, "n": messages},
        )
    return busy


def _admin_urls(session_id) -> dict[str, str]:
    try:
        return {
            "sessions": reverse("admin:sessions_app_techspecsession_changelist"),
            "session": reverse("admin:sessions_app_techspecsession_change", args=[session_id]),
            "errors": reverse("admin:sessions_app_agenterrorlog_changelist"),
            "error_groups": reverse("admin:sessions_app_agenterrorlog_groups"),
            "research": reverse("admin:sessions_app_techresearch_changelist"),
            "conversations": reverse("admin:sessions_app_techconversation_changelist"),
            "trds": reverse("admin:sessions_app_generatedtrddocument_changelist"),
            "design_jobs": reverse("admin:design_bridge_designjob_changelist"),
            "design_outputs": reverse("admin:design_bridge_designoutput_changelist"),
            "design_decisions": reverse("admin:design_bridge_designdecision_changelist"),
        }
    except NoReverseMatch:
        return {}


@contextmanager
def benchmark_session() -> Iterator[SimpleNamespace]:
    """The patterns' context, inside one transaction that is rolled back: nothing stays written.

    The request log is quiet meanwhile (one line per measured request would bury the
    report); server errors still show, as does every pattern's own error.
    """
    from sessions_app.api.throttling import APIRateThrottle

    # The throttle stays in the request path (its counting statement is part of the cost) but never trips.
    saved = APIRateThrottle.THROTTLE_RATES
    APIRateThrottle.THROTTLE_RATES = {"user": "1000000/s", "api": "1000000/s"}
    # django-axes narrates the admin client's login (four INFO lines) like a user's.
    quiet = {"techspec.request": logging.ERROR, "axes": logging.WARNING}
    saved_levels = {name: logging.getLogger(name).level for name in quiet}
    for name, level in quiet.items():
        logging.getLogger(name).setLevel(max(level, logging.getLogger(name).getEffectiveLevel()))
    try:
        # DEBUG off as in production: Django's debug cursor would add its own logging to every query.
        with override_settings(DEBUG=False), transaction.atomic(), warnings.catch_warnings():
            # whitenoise warns that STATIC_ROOT is missing, which only `collectstatic` creates and
            # no pattern reads.
            warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
            yield _context()
            transaction.set_rollback(True)
    finally:
        for name, level in saved_levels.items():
            logging.getLogger(name).setLevel(level)
        APIRateThrottle.THROTTLE_RATES = saved


def run_pattern(pattern: Pattern, ctx: SimpleNamespace, work: Callable[[Pattern, SimpleNamespace], T]) -> T:
    """`work(pattern, ctx)` in a savepoint that is rolled back afterwards.

    What one pattern writes (fk_checked_insert adds errors to the measured session)
    never changes what the next one reads.
    """
    with transaction.atomic():
        outcome = work(pattern, ctx)
        transaction.set_rollback(True)
    return outcome


def selected(patterns: list[Pattern], ctx: SimpleNamespace, only: list[str] | None,
             skipped: dict[str, str]) -> Iterator[Pattern]:
    """The patterns to run; those that cannot run here are noted in `skipped`, with why."""
    for pattern in patterns:
        if only and pattern.name not in only:
            continue
        if pattern.kind == "admin" and not ctx.admin_urls:
            skipped[pattern.name] = "the admin for sessions is not registered"
            continue
        yield pattern
