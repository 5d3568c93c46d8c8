"""Values PostgreSQL refuses are a 400 before any query, never a 500 (issue 14's three cases and their class)."""

from __future__ import annotations

import base64
import re
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from urllib.parse import quote

import pytest

from sessions_app.models import GeneratedTRDDocument, TechConversation, TechResearch
from techspec_project import pg_values
from tests.factories import TechConversationFactory, TechSpecSessionFactory

pytestmark = pytest.mark.django_db


def test_a_utc_offset_outside_postgresqls_range_in_a_date_filter_is_400(api_as):
    staff = api_as("staff")
    TechSpecSessionFactory()

    response = staff.client.get("/api/sessions/?created_before=" + quote("2025-01-01T00:00:00-16:00"))

    assert response.status_code == 400, response.content
    assert "created_before" in response.json()["error"]["fields"]


def test_the_largest_offset_postgresql_accepts_still_filters(api_as):
    staff = api_as("staff")
    TechSpecSessionFactory()

    response = staff.client.get("/api/sessions/?created_before=" + quote("2999-01-01T00:00:00-15:59"))

    assert response.status_code == 200
    assert len(response.json()["results"]) == 1


def test_a_forged_conversation_cursor_with_an_offset_outside_postgresqls_range_is_400(agent_session):
    agent, session = agent_session
    message = TechConversationFactory(session=session)
    forged = base64.urlsafe_b64encode(f"2025-01-01T00:00:00-16:00|{message.id}".encode()).decode().rstrip("=")

    response = agent.client.get(f"/api/sessions/{session.id}/conversations/?cursor={forged}")

    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == "invalid_cursor"


@pytest.mark.parametrize("position", ["2025-01-01T00:00:00-16:00", "2025-01-01T00:00:00%00"])
def test_a_forged_list_cursor_postgresql_would_refuse_is_400_invalid_cursor(api_as, position):
    staff = api_as("staff")
    TechSpecSessionFactory()
    cursor = base64.b64encode(f"p={position}".encode()).decode()

    response = staff.client.get(f"/api/sessions/?cursor={quote(cursor)}")

    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == "invalid_cursor"


@pytest.mark.parametrize("number", ["1e400", "-1e999"])
@pytest.mark.parametrize(
    ("collection", "body", "model"),
    [
        ("conversations", '{"role": "agent", "message": "m", "metadata": {"a": [1, {"b": %s}]}}', TechConversation),
        ("trd-versions", '{"trd_content": "x", "validation_report": {"score": %s}}', GeneratedTRDDocument),
        ("research", '{"technology_category": "c", "gap_description": "g",'
                     ' "researched_options": [{"name": "a", "cost": %s}]}', TechResearch),
    ],
    ids=["metadata", "validation_report", "researched_options"],
)
def test_a_number_overflowing_a_double_inside_json_is_400_and_stores_nothing(
    agent_session, collection, body, model, number
):
    agent, session = agent_session

    response = agent.client.post(f"/api/sessions/{session.id}/{collection}/", body % number,
                                 content_type="application/json")

    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == "invalid"
    assert not model.objects.filter(session=session).exists()


@pytest.mark.parametrize("version", ["2147483648", "9" * 20, "9" * 5000])
def test_a_trd_version_outside_the_integer_column_is_400(agent_session, version):
    agent, session = agent_session

    response = agent.client.get(f"/api/tech-spec/sessions/{session.id}/trd?version={version}")

    assert response.status_code == 400, response.content


@pytest.mark.parametrize(
    ("value", "refused"),
    [
        ("ok", False), ("a\x00b", True), ("\ud800", True),
        (datetime(2025, 1, 1, tzinfo=timezone(timedelta(hours=-16))), True),
        (datetime(2025, 1, 1, tzinfo=timezone(timedelta(hours=15, minutes=59))), False),
        (datetime(2025, 1, 1, tzinfo=UTC), False),
        (float("inf"), True), (float("nan"), True), (1.5, False), (Decimal("NaN"), True), (Decimal("1.5"), False),
        ({"k\x00": 1}, True), ({"k": [float("-inf")]}, True), ({"k": [1, "x", None, True]}, False),
    ],
)
def test_check_value_refuses_what_postgresql_refuses(value, refused):
    if refused:
        with pytest.raises(pg_values.Unstorable):
            pg_values.check_value(value)
    else:
        assert pg_values.check_value(value) is value


@pytest.mark.parametrize(
    ("field", "value", "refused"),
    [
        ("version", 2**31 - 1, False), ("version", 2**31, True), ("version", -(2**31) - 1, True),
        ("created_at", datetime(2025, 1, 1, tzinfo=timezone(timedelta(hours=-16))), True),
        ("created_at", datetime(2025, 1, 1, tzinfo=UTC), False),
    ],
)
def test_check_column_value_knows_the_columns_integer_range(field, value, refused):
    model_field = GeneratedTRDDocument._meta.get_field(field)
    if refused:
        with pytest.raises(pg_values.Unstorable):
            pg_values.check_column_value(model_field, value)
    else:
        assert pg_values.check_column_value(model_field, value) is value


def test_the_schemas_offset_pattern_accepts_exactly_the_offsets_check_datetime_accepts():
    for minutes in range(-24 * 60 + 1, 24 * 60, 7):
        stamp = datetime(2025, 1, 1, tzinfo=timezone(timedelta(minutes=minutes)))
        try:
            pg_values.check_datetime(stamp)
            accepted = True
        except pg_values.Unstorable:
            accepted = False
        assert bool(re.search(pg_values.DATETIME_OFFSET_PATTERN, stamp.isoformat())) is accepted, stamp
    assert re.search(pg_values.DATETIME_OFFSET_PATTERN, "2025-01-01T00:00:00Z")


def test_the_date_filters_document_the_offset_pattern(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    parameters = {p["name"]: p for p in schema["paths"]["/api/sessions/"]["get"]["parameters"]}
    for name in ("created_after", "created_before"):
        assert parameters[name]["schema"]["pattern"] == pg_values.DATETIME_OFFSET_PATTERN


@pytest.mark.parametrize(
    "query",
    [
        "/admin/sessions_app/techspecsession/?created_at__gte=" + quote("2025-01-01T00:00:00-16:00"),
        "/admin/sessions_app/agenterrorlog/?node=" + quote("a\x00b"),
        "/admin/sessions_app/techspecsession/?progress_percentage=99999999999999999999",
    ],
    ids=["offset", "nul", "int-overflow"],
)
def test_an_admin_filter_postgresql_would_refuse_is_not_a_500(admin_client, query):
    TechSpecSessionFactory()

    response = admin_client.get(query)

    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 302:
        assert response["Location"].endswith("?e=1")  # Django's "invalid lookup" answer
