"""Work the API does once per process instead of once per request renders and refuses exactly as before.

Three shortcuts keep a request's CPU down (docs/PERFORMANCE.md, Load): output serializers
build their fields once per class, a token's signature is verified once per process, and
an unfiltered list builds no FilterSet.
"""

from __future__ import annotations

import time
import uuid
from decimal import Decimal

import jwt
import pytest
from rest_framework import serializers
from rest_framework.test import APIClient

from sessions_app.api import serializers as s
from sessions_app.api.authentication import _verified_token
from sessions_app.api.filters import SessionFilter
from sessions_app.api.output_fields import FieldsBuiltOnce
from sessions_app.selectors import session_status_summary
from tests.factories import (
    AgentErrorLogFactory,
    DesignDecisionFactory,
    DesignJobFactory,
    DesignOutputFactory,
    GeneratedTRDDocumentFactory,
    TechSpecSessionFactory,
)
from tests.support.api import assert_error, bearer_token
from tests.support.concurrency import run_concurrently

pytestmark = pytest.mark.django_db


def plain(cls):
    """The same serializer with DRF's own get_fields: fields deep-copied (or built) on every use."""
    base = serializers.ModelSerializer if issubclass(cls, serializers.ModelSerializer) else serializers.Serializer
    return type(f"Plain{cls.__name__}", (cls,), {"get_fields": lambda self: base.get_fields(self)})


@pytest.fixture
def rendered_objects():
    job = DesignJobFactory()
    DesignOutputFactory(job=job, output_type="prd")
    DesignOutputFactory(job=job, output_type="ux_flow")
    DesignDecisionFactory.create_batch(2, job=job)
    session = TechSpecSessionFactory(design_job=job, status="in_progress", current_stage="generation",
                                     progress_percentage=80)
    GeneratedTRDDocumentFactory(session=session, version=1, quality_score=Decimal("91.50"))
    AgentErrorLogFactory(session=session, recovered=False)
    return {"job": job, "session": session, "summary": session_status_summary(session_id=session.id)}


@pytest.mark.parametrize(
    ("serializer", "key", "many"),
    [
        (s.SessionOutput, "session", False),
        (s.SessionDetailOutput, "session", False),
        (s.StatusSummaryOutput, "summary", False),
        (s.DesignJobDetailOutput, "job", False),
        (s.SessionOutput, "session", True),
    ],
)
def test_an_output_serializer_renders_what_drf_renders_on_every_use(rendered_objects, serializer, key, many):
    obj = rendered_objects[key]
    obj = [obj, obj] if many else obj
    expected = plain(serializer)(obj, many=many).data
    assert expected  # a comparison of two empty renders would prove nothing
    for _ in range(3):  # the first use builds the class's fields, the next ones copy them
        assert serializer(obj, many=many).data == expected


def test_each_use_binds_its_own_fields_nested_serializers_included(rendered_objects):
    first = s.StatusSummaryOutput(rendered_objects["summary"])
    second = s.StatusSummaryOutput(rendered_objects["summary"])
    assert first.fields["status"] is not second.fields["status"]
    assert first.fields["status"].parent is first and second.fields["status"].parent is second
    nested_a, nested_b = first.fields["latest_unrecovered_error"], second.fields["latest_unrecovered_error"]
    assert nested_a is not nested_b and nested_a.parent is first
    assert nested_a.fields["node"] is not nested_b.fields["node"]
    job_a, job_b = s.DesignJobDetailOutput(rendered_objects["job"]), s.DesignJobDetailOutput(rendered_objects["job"])
    assert job_a.fields["outputs"].child is not job_b.fields["outputs"].child


def test_fields_that_hold_a_field_get_their_own_inner_field():
    class TaggedOutput(FieldsBuiltOnce, serializers.Serializer):
        tags = serializers.ListField(child=serializers.CharField())

    first, second = TaggedOutput({"tags": ["a"]}), TaggedOutput({"tags": ["b"]})
    assert first.fields["tags"].child is not second.fields["tags"].child
    assert first.fields["tags"].child.parent is first.fields["tags"]
    assert (first.data, second.data) == ({"tags": ["a"]}, {"tags": ["b"]})


def test_a_model_serializer_inspects_its_model_only_on_first_use(rendered_objects, monkeypatch):
    session = rendered_objects["session"]
    s.SessionOutput(session).data  # noqa: B018 - builds the class's fields if no test did yet
    built = []
    original = serializers.ModelSerializer.build_field
    monkeypatch.setattr(serializers.ModelSerializer, "build_field",
                        lambda self, *args: built.append(args[0]) or original(self, *args))
    for _ in range(5):
        s.SessionOutput(session).data  # noqa: B018
    assert built == []
    plain(s.SessionOutput)(session).data  # noqa: B018 - the check above can see a build
    assert built


def test_every_output_serializer_builds_its_fields_once():
    outputs = [value for name, value in vars(s).items()
               if name.endswith("Output") and isinstance(value, type) and issubclass(value, serializers.Serializer)]
    assert outputs and all(issubclass(cls, FieldsBuiltOnce) for cls in outputs)


def test_threads_rendering_at_once_each_get_their_own_object(db, monkeypatch):
    sessions = TechSpecSessionFactory.create_batch(8)
    expected = [plain(s.SessionOutput)(x).data for x in sessions]
    # The threads also race to build the class's fields, as the first requests of a process do.
    monkeypatch.delattr(s.SessionOutput, "_field_templates", raising=False)

    def render(i: int):
        return [s.SessionOutput(sessions[i]).data == expected[i] for _ in range(50)]

    assert all(all(results) for results in run_concurrently(8, render))


# --- bearer tokens ----------------------------------------------------------------------


def test_a_token_verified_earlier_is_refused_once_it_expires(db):
    session = TechSpecSessionFactory()
    token = bearer_token(session.user_id, "user", exp=int(time.time()) + 4)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert client.get(f"/api/sessions/{session.id}/").status_code == 200
    time.sleep(max(0.0, token_expiry(token) - time.time()) + 0.2)
    assert_error(client.get(f"/api/sessions/{session.id}/"), 401)


def test_a_token_is_verified_once_per_process(db):
    session = TechSpecSessionFactory()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {bearer_token(session.user_id, 'user')}")
    assert client.get("/api/sessions/").status_code == 200
    before = _verified_token.cache_info()
    assert client.get("/api/sessions/").status_code == 200
    after = _verified_token.cache_info()
    assert (after.hits, after.misses) == (before.hits + 1, before.misses)


def test_a_verified_token_with_one_character_changed_is_checked_in_full(db):
    session = TechSpecSessionFactory()
    token = bearer_token(session.user_id, "user")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert client.get("/api/sessions/").status_code == 200
    header, payload, signature = token.split(".")
    tampered = f"{header}.{payload}.{signature[:-2]}{'A' if signature[-2] != 'A' else 'B'}{signature[-1]}"
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tampered}")
    assert_error(client.get("/api/sessions/"), 401)


def token_expiry(token: str) -> int:
    return jwt.decode(token, options={"verify_signature": False})["exp"]


# --- filters ------------------------------------------------------------------------------


@pytest.fixture
def filtersets_built(monkeypatch):
    built = []
    original = SessionFilter.__init__
    monkeypatch.setattr(SessionFilter, "__init__", lambda self, *a, **kw: built.append(1) or original(self, *a, **kw))
    return built


def test_a_list_without_filter_parameters_builds_no_filterset_and_lists_everything(api_as, filtersets_built):
    caller = api_as("user")
    mine = {str(TechSpecSessionFactory(user_id=caller.user_id).id),
            str(TechSpecSessionFactory(user_id=caller.user_id, completed=True).id)}
    for query in ("", "?ordering=created_at", "?page_size=10"):
        response = caller.client.get(f"/api/sessions/{query}")
        assert response.status_code == 200, response.content
        assert {row["id"] for row in response.json()["results"]} == mine
    assert filtersets_built == []


def test_a_filter_parameter_still_filters_and_a_bad_value_is_still_a_400(api_as, filtersets_built):
    caller = api_as("user")
    done = TechSpecSessionFactory(user_id=caller.user_id, completed=True)
    TechSpecSessionFactory(user_id=caller.user_id, status="pending")
    response = caller.client.get("/api/sessions/?status=completed")
    assert [row["id"] for row in response.json()["results"]] == [str(done.id)]
    assert assert_error(caller.client.get("/api/sessions/?status=bogus"), 400)
    assert assert_error(caller.client.get(f"/api/sessions/?created_after={uuid.uuid4()}"), 400)
    assert len(filtersets_built) == 3
