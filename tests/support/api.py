"""Calling the API as a client does: bearer tokens, an authenticated client, the error shape."""

from __future__ import annotations

import time
import uuid


def bearer_token(user_id: uuid.UUID, role: str = "user", **claims) -> str:
    from rest_framework_simplejwt.tokens import AccessToken

    token = AccessToken()
    token["user_id"] = str(user_id)
    token["role"] = role
    for name, value in claims.items():
        token[name] = value
    return str(token)


def token_for(session, role: str = "user", **claims) -> str:
    """A bearer token of the session's own user (or of another role acting for that user)."""
    return bearer_token(session.user_id, role, **claims)


def claims(**overrides) -> dict:
    """A valid access token's payload with `overrides` (None removes a claim), for signing by hand."""
    now = int(time.time())
    base = {
        "token_type": "access", "exp": now + 600, "iat": now, "jti": uuid.uuid4().hex,
        "user_id": str(uuid.uuid4()), "role": "user",
    }
    base.update(overrides)
    return {name: value for name, value in base.items() if value is not None}


def api_client(user_id: uuid.UUID | None = None, role: str = "user", **token_claims):
    """An APIClient sending a bearer token for this user and role; anonymous when user_id is None."""
    from rest_framework.test import APIClient

    client = APIClient()
    if user_id is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {bearer_token(user_id, role, **token_claims)}")
    return client


def assert_error(response, status: int, code: str | None = None) -> dict:
    """The response is `status` with the one error shape ({"error": {"code", "message", ...}})."""
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert set(body) == {"error"} and {"code", "message"} <= set(body["error"]), body
    if code:
        assert body["error"]["code"] == code, body
    return body["error"]
