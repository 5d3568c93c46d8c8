"""Changing and adding sessions in the admin goes through the services: legal status changes
pass the state machine, refused ones change nothing and say why once."""

from __future__ import annotations

import re
import uuid

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils.html import escape

from design_bridge.models import DesignJobStatus
from sessions_app.choices import SessionStage, SessionStatus
from sessions_app.models import TechSpecSession
from tests.factories import DesignJobFactory, TechSpecSessionFactory
from tests.support.admin import change_url, post_change

pytestmark = pytest.mark.django_db

ADD = reverse("admin:sessions_app_techspecsession_add")


def test_legal_status_change_goes_through_the_state_machine(admin_client):
    session = TechSpecSessionFactory()
    response = post_change(admin_client, session, status="in_progress")
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.status == SessionStatus.IN_PROGRESS


def test_completing_from_validation_sets_completed_at(admin_client):
    session = TechSpecSessionFactory(
        status=SessionStatus.IN_PROGRESS, current_stage=SessionStage.VALIDATION, progress_percentage=90
    )
    response = post_change(admin_client, session, status="completed")
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.status, session.current_stage, session.progress_percentage) == ("completed", "completed", 100)
    assert session.completed_at is not None


def test_illegal_status_change_shows_its_error_once_and_changes_nothing(admin_client):
    session = TechSpecSessionFactory()
    before = TechSpecSession.objects.values().get(pk=session.pk)

    response = post_change(admin_client, session, status="completed")

    assert response.status_code == 200  # the form again, not a redirect
    html = response.content.decode()
    assert html.count("cannot become &#x27;completed&#x27;") == 1
    assert TechSpecSession.objects.values().get(pk=session.pk) == before


def test_a_change_refused_only_at_save_rolls_back_and_says_why(admin_client, monkeypatch):
    # As if another write moved the session between the form's check and the save.
    from sessions_app.admin.forms import SessionStateForm

    monkeypatch.setattr(SessionStateForm, "check", lambda form: None)
    session = TechSpecSessionFactory()
    before = TechSpecSession.objects.values().get(pk=session.pk)

    response = post_change(admin_client, session, status="completed")

    assert response.status_code == 302 and response["Location"] == change_url(session)
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert "cannot become 'completed'" in message
    assert TechSpecSession.objects.values().get(pk=session.pk) == before


def test_refused_status_change_page_title_shows_the_stored_status(admin_client):
    session = TechSpecSessionFactory()

    response = post_change(admin_client, session, status="completed")

    title = re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1)
    assert "(pending)" in title and "completed" not in title


def test_progress_backwards_is_refused(admin_client):
    session = TechSpecSessionFactory(
        status=SessionStatus.IN_PROGRESS, current_stage=SessionStage.ANALYSIS, progress_percentage=30
    )
    response = post_change(admin_client, session, progress_percentage="10")
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
