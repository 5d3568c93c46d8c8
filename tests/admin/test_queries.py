"""Admin pages run the same number of SQL queries with 5 rows as with 100 (no per-row queries)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sessions_app.choices import SessionStatus
from tests.factories import (
    AgentErrorLogFactory,
    DesignDecisionFactory,
    DesignJobFactory,
    DesignProgressFactory,
    GeneratedTRDDocumentFactory,
    TechConversationFactory,
    TechResearchFactory,
    TechSpecSessionFactory,
)

pytestmark = pytest.mark.django_db


def add_sessions(count: int) -> list:
    """`count` sessions, each with its own design job (four documents, a decision, a progress
    report) and one research item, message, two TRD versions and an open error."""
    sessions = []
    for i in range(count):
        job = DesignJobFactory(with_outputs=True)
        DesignDecisionFactory(job=job)
        DesignProgressFactory(job=job)
        status = SessionStatus.FAILED if i % 2 else SessionStatus.PENDING
        session = TechSpecSessionFactory(design_job=job, status=status)
        TechResearchFactory(session=session, decided=True)
        TechConversationFactory(session=session)
        GeneratedTRDDocumentFactory(session=session, version=1)
        GeneratedTRDDocumentFactory(session=session, version=2, trd_content="# Technical Requirements\n\nRevised.\n")
        AgentErrorLogFactory(session=session, node=f"node_{i % 7}", error_type=f"Error{i % 3}")
        sessions.append(session)
    return sessions


def add_children(session, count: int) -> None:
    """`count` more of every child of `session` and of its design job."""
    TechResearchFactory.create_batch(count, session=session)
    TechConversationFactory.create_batch(count, session=session)
    AgentErrorLogFactory.create_batch(count, session=session)
    for version in range(count):
        GeneratedTRDDocumentFactory(session=session, version=version + 3)
    DesignDecisionFactory.create_batch(count, job=session.design_job)
    DesignProgressFactory.create_batch(count, job=session.design_job)


def admin_pages(focus) -> dict[str, str]:
    """Every admin page, the change pages being those of `focus` and its first child of each kind."""
    job = focus.design_job

    def model_urls(name: str, obj) -> dict[str, str]:
        app = type(obj)._meta.app_label
        return {
            f"{name} list": reverse(f"admin:{app}_{name}_changelist"),
            f"{name} change": reverse(f"admin:{app}_{name}_change", args=[obj.pk]),
        }

    trd = focus.trd_documents.order_by("version").first()
    sessions = reverse("admin:sessions_app_techspecsession_changelist")
    errors = reverse("admin:sessions_app_agenterrorlog_changelist")
    return {
        **model_urls("techspecsession", focus),
        **model_urls("techresearch", focus.research.first()),
        **model_urls("techconversation", focus.conversations.first()),
        **model_urls("generatedtrddocument", trd),
        **model_urls("agenterrorlog", focus.error_logs.first()),
        **model_urls("designjob", job),
        **model_urls("designoutput", job.outputs.first()),
        **model_urls("designdecision", job.decisions.first()),
        **model_urls("designprogress", job.progress.first()),
        "sessions filtered by status": f"{sessions}?status__exact=failed",
        "sessions with open errors": f"{sessions}?has_unrecovered_errors=yes",
        "sessions searched": f"{sessions}?q={focus.project_id}",
        "sessions page 2": f"{sessions}?p=2",
        "session's conversation": reverse("admin:sessions_app_techconversation_changelist") + f"?session={focus.pk}",
        "errors filtered": f"{errors}?node=node_0&recovered__exact=0",
        "error groups": reverse("admin:sessions_app_agenterrorlog_groups") + "?window=all",
        "TRD document": reverse("admin:sessions_app_generatedtrddocument_document", args=[trd.pk]),
        "TRD compare": reverse("admin:sessions_app_generatedtrddocument_compare") + f"?session={focus.pk}&from=1&to=2",
        "session add": reverse("admin:sessions_app_techspecsession_add"),
    }


def query_counts(client, pages: dict[str, str]) -> dict[str, int]:
    counts = {}
    for name, url in pages.items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, name
        counts[name] = len(queries)
    return counts


def test_every_admin_page_runs_as_many_queries_for_100_rows_as_for_5(admin_client):
    focus = add_sessions(5)[0]
    pages = admin_pages(focus)
    # A first pass fills per-process caches (content types), which would otherwise count once.
    query_counts(admin_client, pages)
    with_5 = query_counts(admin_client, pages)

    add_sessions(95)
    add_children(focus, 95)
    with_100 = query_counts(admin_client, pages)

    assert with_100 == with_5, {k: (with_5[k], with_100[k]) for k in with_5 if with_5[k] != with_100[k]}


def test_the_second_page_of_sessions_shows_a_full_page(admin_client):
    add_sessions(60)
    response = admin_client.get(reverse("admin:sessions_app_techspecsession_changelist"), {"p": 2})
    assert len(response.context["cl"].result_list) == 10


def test_session_changelist_query_budget(admin_client):
    add_sessions(5)
    url = reverse("admin:sessions_app_techspecsession_changelist")
    admin_client.get(url)
    with CaptureQueriesContext(connection) as queries:
        admin_client.get(url)
    # session, user, the table's statistics (plus EXPLAIN while it was never analyzed), an exact
    # count (small table), the page, three grouped counts.
    assert len(queries) <= 9, "\n".join(q["sql"][:150] for q in queries)
