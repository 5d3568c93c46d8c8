"""Who opens an events socket: the API's bearer tokens, or a logged-in admin staff member.

Tokens are verified by the API's own PlatformJWTAuthentication (same keys, roles,
cache of verified signatures). A non-browser client sends `Authorization: Bearer <token>`;
a browser cannot set headers on a WebSocket, so it offers the subprotocols
`techspec.v1` and `bearer.<token>`: the server echoes only `techspec.v1`. Never the
query string (it ends up in access logs). Tokens are never logged.

A staff admin session cookie is accepted only from a page of this site (the Origin's
host is one of ALLOWED_HOSTS), so another site cannot open a socket with the cookie.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.http.request import validate_host
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError

from sessions_app.api.authentication import PlatformJWTAuthentication
from sessions_app.api.caller import Caller

SUBPROTOCOL = "techspec.v1"
TOKEN_SUBPROTOCOL_PREFIX = "bearer."


class NotAuthenticated(Exception):
    """No credentials, or credentials that do not verify (close 4401)."""


@dataclass(frozen=True)
class SocketCaller:
    caller: Caller
    expires_at: datetime | None  # a token's expiry; None for an admin session


def _header(scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def offered_subprotocol(scope) -> str | None:
    """The non-secret subprotocol to echo, when the client offered it."""
    return SUBPROTOCOL if SUBPROTOCOL in scope.get("subprotocols", ()) else None


def _bearer_token(scope) -> str | None:
    authorization = _header(scope, b"authorization")
    if authorization is not None:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise NotAuthenticated("Authorization must be 'Bearer <token>'.")
        return token.strip()
    for protocol in scope.get("subprotocols", ()):
        if protocol.startswith(TOKEN_SUBPROTOCOL_PREFIX):
            return protocol[len(TOKEN_SUBPROTOCOL_PREFIX):]
    return None


def _same_site(scope) -> bool:
    origin = _header(scope, b"origin")
    if not origin:
        return False
    host = urlsplit(origin).hostname or ""
    allowed = settings.ALLOWED_HOSTS or (["localhost", "127.0.0.1", "[::1]"] if settings.DEBUG else [])
    return validate_host(host, allowed)


def socket_caller(scope) -> SocketCaller:
    """The caller of a WebSocket handshake, or NotAuthenticated."""
    token = _bearer_token(scope)
    if token is not None:
        authentication = PlatformJWTAuthentication()
        try:
            validated = authentication.get_validated_token(token.encode())
            user = authentication.get_user(validated)
        except (InvalidToken, TokenError, AuthenticationFailed) as exc:
            raise NotAuthenticated("Token is invalid or expired.") from exc
        expires_at = datetime.fromtimestamp(int(validated["exp"]), tz=UTC) if "exp" in validated else None
        return SocketCaller(Caller(user_id=user.user_uuid, role=user.role), expires_at)
    user = scope.get("user")
    if user is not None and user.is_active and user.is_staff and _same_site(scope):
        return SocketCaller(Caller(user_id=None, role="staff"), None)
    raise NotAuthenticated("Send a bearer token (Authorization header or the bearer.<token> subprotocol).")
