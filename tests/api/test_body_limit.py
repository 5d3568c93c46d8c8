"""Request bodies above API_MAX_BODY_BYTES are refused with 413 before anything parses them."""

from __future__ import annotations

import pytest

from sessions_app.models import GeneratedTRDDocument
from tests.factories import TechSpecSessionFactory
from tests.support.api import assert_error

pytestmark = pytest.mark.django_db


def test_a_body_over_the_limit_is_413_in_the_error_shape(api_as, settings):
    settings.API_MAX_BODY_BYTES = 1000
    agent = api_as("agent")
    session = TechSpecSessionFactory(user_id=agent.user_id, status="in_progress", current_stage="analysis")

    response = agent.client.post(
        f"/api/sessions/{session.id}/trd-versions/", {"trd_content": "x" * 2000}, format="json"
    )

    error = assert_error(response, 413, "request_too_large")
    assert "1000 bytes" in error["message"]
    assert not GeneratedTRDDocument.objects.exists()


def test_a_body_at_the_limit_is_accepted(api_as, settings):
    agent = api_as("agent")
    session = TechSpecSessionFactory(user_id=agent.user_id, status="in_progress", current_stage="analysis")
    body = '{"trd_content": "%s"}'
    settings.API_MAX_BODY_BYTES = len(body % ("x" * 500))

    response = agent.client.post(
        f"/api/sessions/{session.id}/trd-versions/", body % ("x" * 500), content_type="application/json"
    )

    assert response.status_code == 201, response.content

