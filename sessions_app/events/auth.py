"""Who opens an events socket: the API's bearer tokens, or a logged-in admin staff member.

Tokens are verified by the API's own PlatformJWTAuthentication (same keys, roles,
cache of verified signatures). A non-browser client sends `Authorization: Bearer <token>`;
a browser cannot set headers on a WebSocket, so it offers the subprotocols
`techspec.v1` and `bearer.<token>`: the server echoes only `techspec.v1`. Never the
query string (it ends up in access logs). Tokens are never logged.

A staff admin session cookie is accepted only from a page of this site (the Origin's
host is one of ALLOWED_HOSTS), so another site cannot open a socket with the cookie,
and only from a staff member who may view sessions (the admin's view permission, which
superusers have): is_staff alone opens the admin, not every session. Such a socket
lives at most SESSION_COOKIE_AGE seconds, as the login would.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.http.request import validate_host
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError

from sessions_app.api.authentication import PlatformJWTAuthentication
from sessions_app.api.caller import Caller
from sessions_app.api.throttling import caller_key
from sessions_app.roles import Role

VIEW_SESSIONS_PERMISSION = "sessions_app.view_techspecsession"

SUBPROTOCOL = "techspec.v1"
TOKEN_SUBPROTOCOL_PREFIX = "bearer."


class NotAuthenticated(Exception):
    """No credentials, or credentials that do not verify (close 4401)."""


@dataclass(frozen=True)
class SocketCaller:
    caller: Caller
    expires_at: datetime | None  # a token's expiry, or an admin session's SESSION_COOKIE_AGE from now
    rate_key: str  # the API throttle's key of this caller (role and id)
    expired_reason: str = "Token expired."


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
    """The caller of a WebSocket handshake, or NotAuthenticated. Reads the database (permissions):
    call it through database_sync_to_async."""
    token = _bearer_token(scope)
    if token is not None:
        authentication = PlatformJWTAuthentication()
        try:
            validated = authentication.get_validated_token(token.encode())
            user = authentication.get_user(validated)
        except (InvalidToken, TokenError, AuthenticationFailed) as exc:
            raise NotAuthenticated("Token is invalid or expired.") from exc
        expires_at = datetime.fromtimestamp(int(validated["exp"]), tz=UTC) if "exp" in validated else None
        return SocketCaller(Caller(user_id=user.user_uuid, role=Role(user.role)), expires_at, caller_key(user)[0])
    user = scope.get("user")
    if (user is not None and user.is_active and user.is_staff and _same_site(scope)
            and user.has_perm(VIEW_SESSIONS_PERMISSION)):
        expires_at = datetime.now(UTC) + timedelta(seconds=settings.SESSION_COOKIE_AGE)
        return SocketCaller(Caller(user_id=None, role=Role.STAFF), expires_at, caller_key(user)[0],
                            expired_reason="Admin session expired: reload the page.")
    raise NotAuthenticated("Send a bearer token (Authorization header or the bearer.<token> subprotocol).")
