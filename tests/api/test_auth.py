"""Bearer tokens: what the API accepts, what it refuses (401, one error shape), and issue_token."""

from __future__ import annotations

import base64
import io
import json
import time
import uuid

import jwt
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from tests.factories import TechSpecSessionFactory
from tests.support.api import assert_error, claims

pytestmark = pytest.mark.django_db

URL = "/api/sessions/"
SIGNING_KEY = settings.SIMPLE_JWT["SIGNING_KEY"]


def signed(payload: dict, key: str = SIGNING_KEY) -> str:
    return jwt.encode(payload, key, algorithm="HS256")


def unsigned(payload: dict) -> str:
    """A token with `alg: none` and no signature."""
    def part(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")
    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(payload)}."


def get_with(authorization: str | None):
    client = APIClient()
    if authorization is not None:
        client.credentials(HTTP_AUTHORIZATION=authorization)
    return client.get(URL)


def test_a_request_without_a_token_is_401_in_the_error_shape():
    error = assert_error(get_with(None), 401)
    assert error["code"] == "not_authenticated"


def test_a_401_names_the_bearer_scheme():
    assert get_with(None)["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    ("case", "authorization"),
    [
        ("not a JWT at all", "Bearer not-a-token"),
        ("an empty bearer", "Bearer "),
        ("another scheme", "Basic dXNlcjpwYXNz"),
        ("three parts of garbage", "Bearer aaa.bbb.ccc"),
        ("expired", "Bearer " + signed(claims(exp=int(time.time()) - 60))),
        ("signed with another key", "Bearer " + signed(claims(), key="not-the-signing-key-" + "x" * 32)),
        ("alg none", "Bearer " + unsigned(claims())),
        ("no user_id", "Bearer " + signed(claims(user_id=None))),
        ("user_id not a UUID", "Bearer " + signed(claims(user_id="42"))),
        ("user_id a number", "Bearer " + signed(claims(user_id=42))),
        ("unknown role", "Bearer " + signed(claims(role="admin"))),
        ("role not a string", "Bearer " + signed(claims(role=["staff"]))),
        ("a refresh token", "Bearer " + signed(claims(token_type="refresh"))),
    ],
)
def test_a_bad_token_is_401_in_the_error_shape(case, authorization):
    error = assert_error(get_with(authorization), 401)
    assert error["message"], case


def test_a_bad_token_never_reaches_the_data():
    TechSpecSessionFactory()
    response = get_with("Bearer " + signed(claims(role="admin")))
    assert "results" not in response.json()


def test_a_well_formed_token_is_accepted():
    assert get_with("Bearer " + signed(claims())).status_code == 200


def test_a_token_without_a_role_acts_as_a_plain_user():
    mine = TechSpecSessionFactory()
    TechSpecSessionFactory()
    response = get_with("Bearer " + signed(claims(role=None, user_id=str(mine.user_id))))
    assert [row["id"] for row in response.json()["results"]] == [str(mine.id)]


# --- manage.py issue_token ------------------------------------------------------------------


def issue_token(*args: str) -> str:
    out = io.StringIO()
    call_command("issue_token", *args, stdout=out)
    return out.getvalue().strip()


def test_issue_token_mints_a_token_the_api_accepts_for_that_user():
    session = TechSpecSessionFactory()
    token = issue_token("--user-id", str(session.user_id))

    response = get_with(f"Bearer {token}")

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [str(session.id)]


def test_issue_token_with_the_staff_role_sees_every_session():
    TechSpecSessionFactory.create_batch(2)
    token = issue_token("--role", "staff")
    assert len(get_with(f"Bearer {token}").json()["results"]) == 2


def test_issue_token_json_describes_the_token():
    user_id = uuid.uuid4()
    payload = json.loads(issue_token("--user-id", str(user_id), "--role", "agent", "--ttl", "2h", "--json"))
    assert (payload["user_id"], payload["role"], payload["expires_in_seconds"]) == (str(user_id), "agent", 7200)
    assert get_with(f"Bearer {payload['token']}").status_code == 200


def test_issue_token_with_a_malformed_user_id_is_a_command_error():
    with pytest.raises(CommandError, match="not a UUID"):
        issue_token("--user-id", "alice")


@pytest.mark.parametrize("ttl", ["soon", "0m", "10", "-5m", "5y"])
def test_issue_token_with_a_malformed_ttl_is_a_command_error(ttl):
    with pytest.raises(CommandError, match="--ttl"):
        issue_token("--ttl", ttl)


def test_issue_token_with_an_unknown_role_is_a_command_error():
    with pytest.raises(CommandError):
        issue_token("--role", "admin")
