"""Read replica routing, tested the way Django documents it: a second alias whose
TEST MIRROR is the primary, so both aliases reach the test database over their own
connections and each query can be attributed to the alias that ran it."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from django.db import connections, router, transaction
from django.test.utils import CaptureQueriesContext

from sessions_app.models import TechResearch, TechSpecSession
from techspec_project.db_router import PRIMARY, REPLICA, replica_reads
from tests.factories import TechResearchFactory, TechSpecSessionFactory

pytestmark = pytest.mark.django_db(transaction=True, databases=[PRIMARY, REPLICA])


@pytest.fixture(scope="module", autouse=True)
def replica_alias(django_db_setup, django_db_blocker):
    """What DATABASE_REPLICA_URL adds in settings/database.py, with TEST MIRROR as it sets it.

    Added here (before pytest-django prepares each test's databases) rather than in
    the test settings, so the rest of the suite runs without a replica, as a
    deployment without DATABASE_REPLICA_URL does.
    """
    default = connections["default"].settings_dict
    connections.settings[REPLICA] = {**default, "TEST": {**default["TEST"], "MIRROR": PRIMARY}}
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            connections[REPLICA].close()
        del connections[REPLICA]
        del connections.settings[REPLICA]


def tables_read(queries) -> str:
    return " ".join(q["sql"] for q in queries)


@contextmanager
def captured():
    """Queries each alias runs inside the block."""
    with CaptureQueriesContext(connections[PRIMARY]) as primary, \
         CaptureQueriesContext(connections[REPLICA]) as replica:
        yield primary, replica


def test_a_get_api_request_reads_sessions_from_the_replica(api_as):
    caller = api_as()
    session = TechSpecSessionFactory(user_id=caller.user_id)
    with captured() as (primary, replica):
        response = caller.client.get(f"/api/tech-spec/sessions/{session.id}/status")

    assert response.status_code == 200
    assert response.json()["session_id"] == str(session.id)
    # The status poll reads the view tech_spec_session_status over tech_spec_sessions.
    assert "tech_spec_session_status" in tables_read(replica.captured_queries)
    assert "tech_spec_session" not in tables_read(primary.captured_queries)


def test_throttle_counts_stay_on_the_primary(api_as):
    caller = api_as()
    with captured() as (primary, replica):
        caller.client.get("/api/sessions/")
    assert "api_rate_counters" in tables_read(primary.captured_queries)
    assert "api_rate_counters" not in tables_read(replica.captured_queries)


def test_a_write_request_never_touches_the_replica(api_as):
    caller = api_as()
    session = TechSpecSessionFactory(user_id=caller.user_id)
    research = TechResearchFactory(session=session)
    with captured() as (primary, replica):
        response = caller.client.post(f"/api/tech-spec/sessions/{session.id}/decisions", {"decisions": [
            {"research_id": str(research.id), "selected_technology": "PostgreSQL", "reasoning": "fit"},
        ]}, format="json")

    assert response.status_code == 201, response.content
    assert replica.captured_queries == []
    assert TechResearch.objects.using(PRIMARY).get(pk=research.pk).selected_technology == "PostgreSQL"


def test_the_admin_reads_from_the_primary(admin_client):
    TechSpecSessionFactory()
    with captured() as (primary, replica):
        response = admin_client.get("/admin/sessions_app/techspecsession/")
    assert response.status_code == 200
    assert replica.captured_queries == []
    assert "tech_spec_sessions" in tables_read(primary.captured_queries)


def test_reads_after_a_write_in_the_same_request_go_to_the_primary():
    session = TechSpecSessionFactory()
    with replica_reads():
        assert router.db_for_read(TechSpecSession) == REPLICA
        TechSpecSession.objects.filter(pk=session.pk).update(progress_percentage=40)
        assert router.db_for_read(TechSpecSession) == PRIMARY
        assert TechSpecSession.objects.get(pk=session.pk).progress_percentage == 40


def test_reads_inside_a_transaction_go_to_the_primary():
    with replica_reads():
        with transaction.atomic():
            assert router.db_for_read(TechSpecSession) == PRIMARY
        assert router.db_for_read(TechSpecSession) == REPLICA


def test_reads_outside_a_read_only_request_go_to_the_primary():
    # Commands, services and shells: the primary unless a block asks for the replica.
    assert router.db_for_read(TechSpecSession) == PRIMARY
    with replica_reads(allowed=False):
        assert router.db_for_read(TechSpecSession) == PRIMARY


def test_auth_and_cache_models_are_never_read_from_the_replica():
    from django.contrib.auth.models import User
    from django.contrib.sessions.models import Session

    with replica_reads():
        assert router.db_for_read(User) == PRIMARY
        assert router.db_for_read(Session) == PRIMARY


def test_migrations_run_only_on_the_primary():
    assert router.allow_migrate(PRIMARY, "sessions_app") is True
    assert router.allow_migrate(REPLICA, "sessions_app") is False
    assert router.allow_migrate(REPLICA, "design_bridge") is False


def test_rows_read_from_the_replica_can_be_saved_to_the_primary():
    session = TechSpecSessionFactory()
    with replica_reads():
        loaded = TechSpecSession.objects.get(pk=session.pk)
        assert loaded._state.db == REPLICA
        loaded.progress_percentage = 55
        loaded.save(update_fields=["progress_percentage"])
    assert TechSpecSession.objects.using(PRIMARY).get(pk=session.pk).progress_percentage == 55
