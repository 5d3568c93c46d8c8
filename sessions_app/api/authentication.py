"""JWT bearer authentication without a database lookup.

A token carries `user_id` (the platform user's UUID, matching
tech_spec_sessions.user_id) and `role` (user, agent or staff). Tokens are
validated by signature and expiry only, so the API never touches auth tables.

A token's signature is checked once per process, not on every request: the last
4096 tokens that passed are kept (keyed by the whole token text, so any other
text is checked in full), and their expiry is checked again on every use.
Decoding and verifying was a visible share of a status poll's CPU in a profile.
"""

from __future__ import annotations

import uuid
from functools import cached_property, lru_cache

from django.core.signals import setting_changed
from django.dispatch import receiver
from rest_framework_simplejwt.authentication import JWTStatelessUserAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError
from rest_framework_simplejwt.models import TokenUser
from rest_framework_simplejwt.tokens import AccessToken, Token
from rest_framework_simplejwt.utils import aware_utcnow

from sessions_app.api import token_keys
from sessions_app.roles import TOKEN_ROLES, Role
from techspec_project.uuids import lenient_uuid

VERIFIED_TOKENS_KEPT = 4096

ROLES = TOKEN_ROLES  # issue_token's --role choices


class PlatformTokenUser(TokenUser):
    """The caller a valid token describes."""

    @cached_property
    def role(self) -> str:
        return self.token.get("role", Role.USER)

    @cached_property
    def user_uuid(self) -> uuid.UUID:
        parsed = lenient_uuid(self.token["user_id"])
        if parsed is None:
            raise ValueError("user_id is not a UUID")
        return parsed

    @cached_property
    def is_staff(self) -> bool:
        return self.role == Role.STAFF


class PlatformAccessToken(AccessToken):
    """An access token verified with the configured keys (token_keys: HS256, RS256 or ES256)."""

    @property
    def token_backend(self):
        return token_keys.token_backend()


@lru_cache(maxsize=VERIFIED_TOKENS_KEPT)
def _verified_token(raw_token: bytes) -> Token:
    # An invalid token raises, and lru_cache keeps no exceptions: only tokens that passed stay.
    return JWTStatelessUserAuthentication().get_validated_token(raw_token)


@receiver(setting_changed)
def _forget_verified_tokens(*, setting, **kwargs):
    if setting in ("SIMPLE_JWT", "SECRET_KEY"):
        _verified_token.cache_clear()


class PlatformJWTAuthentication(JWTStatelessUserAuthentication):
    """Accept only tokens whose user id is a UUID and whose role is known."""

    def get_validated_token(self, raw_token: bytes) -> Token:
        token = _verified_token(raw_token)
        try:
            token.check_exp(current_time=aware_utcnow())
        except TokenError:
            # Expired since it was verified: the full check raises simplejwt's usual 401.
            return super().get_validated_token(raw_token)
        return token

    def get_user(self, validated_token):
        user = super().get_user(validated_token)
        try:
            user.user_uuid  # noqa: B018 - validates the claim
        except ValueError:
            raise InvalidToken("Token user_id is not a UUID.") from None
        if user.role not in ROLES:
            raise InvalidToken(f"Token role must be one of {', '.join(ROLES)}.")
        return user
