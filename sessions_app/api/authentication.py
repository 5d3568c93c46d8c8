"""JWT bearer authentication without a database lookup.

A token carries `user_id` (the platform user's UUID, matching
tech_spec_sessions.user_id) and `role` (user, agent or staff). Tokens are
validated by signature and expiry only, so the API never touches auth tables.
"""

from __future__ import annotations

import uuid
from functools import cached_property

from rest_framework_simplejwt.authentication import JWTStatelessUserAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.models import TokenUser

ROLES = ("user", "agent", "staff")


class PlatformTokenUser(TokenUser):
    """The caller a valid token describes."""

    @cached_property
    def role(self) -> str:
        return self.token.get("role", "user")

    @cached_property
    def user_uuid(self) -> uuid.UUID:
        return uuid.UUID(str(self.token["user_id"]))

    @cached_property
    def is_staff(self) -> bool:
        return self.role == "staff"


class PlatformJWTAuthentication(JWTStatelessUserAuthentication):
    """Accept only tokens whose user id is a UUID and whose role is known."""

    def get_user(self, validated_token):
        user = super().get_user(validated_token)
        try:
            user.user_uuid  # noqa: B018 - validates the claim
        except ValueError:
            raise InvalidToken("Token user_id is not a UUID.") from None
        if user.role not in ROLES:
            raise InvalidToken(f"Token role must be one of {', '.join(ROLES)}.")
        return user
