"""A design job's admin page shows what it produced, what was decided and which sessions started from it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from design_bridge.models import DesignOutputType
from sessions_app.choices import SessionStatus
from tests.factories import (
    DesignDecisionFactory,
    DesignJobFactory,
    DesignOutputFactory,
    TechSpecSessionFactory,
)

pytestmark = pytest.mark.django_db


def job_url(job) -> str:
    return reverse("admin:design_bridge_designjob_change", args=[job.pk])


def test_job_page_shows_outputs_decisions_and_sessions(admin_client):
    job = DesignJobFactory(with_outputs=True)
    DesignOutputFactory(job=job, output_type=DesignOutputType.AI_STUDIO_CODE, content="", file_path="src/App.tsx")
    DesignDecisionFactory(job=job, decision_type="typography", decision_value="Inter <b>bold</b>")
    session = TechSpecSessionFactory(design_job=job, status=SessionStatus.FAILED, current_stage="research",
                                     progress_percentage=30)

    html = admin_client.get(job_url(job)).content.decode()

    assert html.count("class='design-output'") == 5 and "src/App.tsx" in html
    assert "typography" in html and "Inter &lt;b&gt;bold&lt;/b&gt;" in html  # the agent's text, escaped
    assert reverse("admin:sessions_app_techspecsession_change", args=[session.pk]) in html
    assert 'data-value="failed"' in html


def test_job_page_reads_only_a_preview_of_a_large_document(admin_client):
    job = DesignJobFactory()
    DesignOutputFactory(job=job, output_type=DesignOutputType.PRD, content="A" * 50_000 + "TAIL")
    html = admin_client.get(job_url(job)).content.decode()
    assert "50,004 characters" in html and "TAIL" not in html


def test_job_page_query_count_does_not_grow_with_decisions_or_sessions(admin_client):
    def queries(job) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(job_url(job)).status_code == 200
        return len(captured)

    small, large = DesignJobFactory(with_outputs=True), DesignJobFactory(with_outputs=True)
    DesignDecisionFactory(job=small)
    TechSpecSessionFactory(design_job=small)
    DesignDecisionFactory.create_batch(15, job=large)
    for _ in range(12):
        TechSpecSessionFactory(design_job=large)
    # The first admin page after ContentType's cache was cleared (a transactional test's flush
    # does that) also looks up the job's content type, once per process: warm it, then compare.
    queries(small)
    assert queries(small) == queries(large)


def test_job_list_is_ordered_by_the_primary_key_index(admin_client):
    jobs = [DesignJobFactory() for _ in range(3)]
    listed = admin_client.get(reverse("admin:design_bridge_designjob_changelist")).context["cl"].result_list
    assert [j.pk for j in listed] == sorted((j.pk for j in jobs), reverse=True)
