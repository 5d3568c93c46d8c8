"""Access control the matrix in test_access.py does not reach: another user's ids
smuggled inside a request body or a query string, and tokens signed the wrong way.

Another user's object must stay untouched and invisible, whatever id a caller names.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid

import jwt
import pytest
from django.conf import settings
from rest_framework.test import APIClient

from sessions_app.models import AgentErrorLog, TechConversation, TechResearch
from tests.factories import AgentErrorLogFactory, TechResearchFactory, TechSpecSessionFactory
from tests.support.api import api_client, claims

pytestmark = pytest.mark.django_db

KEY = settings.SIMPLE_JWT["SIGNING_KEY"]


@pytest.fixture
def two_users(db):
    a_session = TechSpecSessionFactory()
    b_session = TechSpecSessionFactory()
    return {
        "a_session": a_session, "b_session": b_session,
        "a_research": TechResearchFactory(session=a_session),
        "a_error": AgentErrorLogFactory(session=a_session),
        "b_research": TechResearchFactory(session=b_session),
    }


def test_a_decision_on_my_session_naming_your_research_changes_nothing(two_users):
    a_research, b_session = two_users["a_research"], two_users["b_session"]
    body = {"decisions": [{"research_id": str(a_research.id), "selected_technology": "PostgreSQL"}]}

    response = api_client(b_session.user_id).post(f"/api/tech-spec/sessions/{b_session.id}/decisions", body,
                                               format="json")

    assert response.status_code == 404 and response.json()["error"]["code"] == "research_not_found"
    assert TechResearch.objects.get(pk=a_research.pk).selected_technology in ("", None)
    assert not TechConversation.objects.filter(research=a_research).exists()


def test_recovering_errors_on_my_session_cannot_touch_yours(two_users):
    a_error, b_session = two_users["a_error"], two_users["b_session"]

    response = api_client(b_session.user_id, "agent").post(
        f"/api/sessions/{b_session.id}/errors/recovered/", {"error_ids": [str(a_error.id)]}, format="json")

    assert response.status_code in (200, 404)
    if response.status_code == 200:
        assert response.json() == {"changed": 0}
    assert AgentErrorLog.objects.get(pk=a_error.pk).recovered is False


def test_a_message_on_my_session_cannot_point_at_your_research(two_users):
    a_research, b_session = two_users["a_research"], two_users["b_session"]

    response = api_client(b_session.user_id, "agent").post(
        f"/api/sessions/{b_session.id}/conversations/",
        {"role": "agent", "message": "hi", "research_id": str(a_research.id)}, format="json")

    assert 400 <= response.status_code < 500, response.content
    assert not TechConversation.objects.filter(research=a_research).exists()


@pytest.mark.parametrize("param", ["search", "q", "id", "session", "session_id", "user", "owner"])
def test_unknown_query_parameters_naming_your_ids_show_nothing_of_yours(two_users, param):
    a_session, b_session = two_users["a_session"], two_users["b_session"]
    for url in ("/api/sessions/", "/api/errors/", "/api/design-jobs/"):
        for value in (str(a_session.id), str(a_session.user_id), str(a_session.design_job_id)):
            response = api_client(b_session.user_id).get(url, {param: value})
            assert response.status_code in (200, 400), response.content
            if response.status_code == 200:
                body = json.dumps(response.json())
                assert str(a_session.id) not in body and str(a_session.user_id) not in body


def test_your_session_is_not_counted_in_my_status_summary(two_users):
    b_session = two_users["b_session"]
    summary = api_client(b_session.user_id).get(f"/api/tech-spec/sessions/{b_session.id}/status").json()
    assert summary["research_total"] == 1  # B's own item, not A's


# --- tokens signed the wrong way ------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def hs256_with_header(header: dict, payload: dict) -> str:
    """A token whose header claims `header["alg"]` but whose signature is HMAC-SHA256 with our key."""
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(payload).encode())}"
    signature = hmac.new(KEY.encode(), signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(signature)}"


def unsigned(header: dict, payload: dict) -> str:
    return f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(payload).encode())}."


WRONG_TOKENS = {
    "HS512 with the right key": lambda: jwt.encode(claims(), KEY, algorithm="HS512"),
    "HS384 with the right key": lambda: jwt.encode(claims(), KEY, algorithm="HS384"),
    "header says RS256, HMAC signature": lambda: hs256_with_header({"alg": "RS256", "typ": "JWT"}, claims()),
    "header says none, HMAC signature": lambda: hs256_with_header({"alg": "none", "typ": "JWT"}, claims()),
    "header says NONE": lambda: unsigned({"alg": "NONE"}, claims()),
    "no alg in header": lambda: hs256_with_header({"typ": "JWT"}, claims()),
    "no exp": lambda: jwt.encode(claims(exp=None), KEY, algorithm="HS256"),
    "no token_type": lambda: jwt.encode(claims(token_type=None), KEY, algorithm="HS256"),
    "no jti": lambda: jwt.encode(claims(jti=None), KEY, algorithm="HS256"),
    "empty payload": lambda: jwt.encode({}, KEY, algorithm="HS256"),
    "exp far in the past": lambda: jwt.encode(claims(exp=1), KEY, algorithm="HS256"),
    "exp not a number": lambda: jwt.encode(claims(exp="tomorrow"), KEY, algorithm="HS256"),
    "iat in the future only": lambda: jwt.encode(claims(exp=None, iat=int(time.time()) + 3600), KEY,
                                                 algorithm="HS256"),
    "signature stripped": lambda: jwt.encode(claims(), KEY, algorithm="HS256").rsplit(".", 1)[0] + ".",
    "user_id of an empty string": lambda: jwt.encode(claims(user_id=""), KEY, algorithm="HS256"),
    "staff role in an unsigned token": lambda: unsigned({"alg": "none"}, claims(role="staff")),
}


@pytest.mark.parametrize("make", WRONG_TOKENS.values(), ids=WRONG_TOKENS.keys())
def test_a_token_signed_or_shaped_the_wrong_way_is_401(make):
    TechSpecSessionFactory()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {make()}")

    response = client.get("/api/sessions/")

    assert response.status_code == 401, response.content
    assert set(response.json()) == {"error"} and response.json()["error"]["message"]


def test_the_same_claims_signed_properly_are_accepted():
    """The control for the table above: only the signing differs."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {jwt.encode(claims(), KEY, algorithm='HS256')}")
    assert client.get("/api/sessions/").status_code == 200


def test_an_unknown_user_id_is_a_caller_with_nothing_not_someone_else(two_users):
    response = api_client(uuid.uuid4()).get("/api/sessions/")
    assert response.status_code == 200 and response.json()["results"] == []
