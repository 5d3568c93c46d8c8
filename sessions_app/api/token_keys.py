"""Which key verifies an API token, and which signs one (issue_token).

- HS256 (the default, for local development): one shared secret, JWT_SIGNING_KEY,
  both signs and verifies, so every holder can mint any token, staff ones included.
- RS256 or ES256 (production): the token issuer alone holds the private key; techspec
  holds only public keys, from JWT_PUBLIC_KEY_FILE (one key) or JWT_JWKS_URL (a key
  set, chosen by the token's `kid`, so keys rotate by publishing the next one beside
  the current one). A service that can verify tokens can no longer mint them.

Only the configured algorithm is accepted (an HS256 token "signed" with the public
key's text is refused, as is `none`), and `iss` / `aud` are required and checked
when JWT_ISSUER / JWT_AUDIENCE are set. simplejwt's module-level backend is built
once at import; this one is rebuilt when the settings change (tests).
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from functools import lru_cache
from typing import Any

import jwt
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver
from rest_framework_simplejwt import settings as simplejwt_settings
from rest_framework_simplejwt.backends import TokenBackend
from rest_framework_simplejwt.tokens import AccessToken

from sessions_app.roles import Role
from techspec_project.secret_key import MISSING_SECRET_KEY

JWKS_TIMEOUT_SECONDS = 5  # a slow key server must not hold API requests for PyJWT's default 30 s
JWKS_CACHE_SECONDS = 300  # the key set is fetched again after this long
# An unknown kid refetches the key set at most once in this many seconds (PyJWT's cooldown),
# so tokens with made-up kids cannot make techspec hammer the key server.
JWKS_REFETCH_COOLDOWN_SECONDS = 30


def _shared_secret(api_settings: Any) -> str:
    """The HS256 key; an empty one (DEBUG off, no SECRET_KEY) would sign tokens anyone can forge."""
    key: str = api_settings.SIGNING_KEY
    if not key:
        raise ImproperlyConfigured(f"JWT_SIGNING_KEY (by default SECRET_KEY) is empty. {MISSING_SECRET_KEY}")
    return key


@lru_cache(maxsize=1)
def token_backend() -> TokenBackend:
    """The backend that verifies API tokens, from SIMPLE_JWT (built from the JWT_* settings)."""
    api_settings = simplejwt_settings.api_settings  # replaced, not updated, when SIMPLE_JWT changes
    backend = TokenBackend(
        api_settings.ALGORITHM,
        _shared_secret(api_settings) if api_settings.ALGORITHM.startswith("HS") else api_settings.SIGNING_KEY,
        api_settings.VERIFYING_KEY,
        api_settings.AUDIENCE,
        api_settings.ISSUER,
        None,
        api_settings.LEEWAY,
    )
    if api_settings.JWK_URL:
        backend.jwks_client = jwt.PyJWKClient(
            api_settings.JWK_URL, cache_jwk_set=True, lifespan=JWKS_CACHE_SECONDS,
            timeout=JWKS_TIMEOUT_SECONDS, cooldown_duration=JWKS_REFETCH_COOLDOWN_SECONDS,
        )
    return backend


def token_sign(payload: dict[str, Any], *, private_key: str | None = None, kid: str | None = None) -> str:
    """A signed token for `payload` with the configured algorithm, `iss` and `aud`.

    HS256 signs with JWT_SIGNING_KEY. RS256/ES256 need the private key (PEM text),
    which techspec itself never holds in production: issue_token reads it from a file.
    """
    api_settings = simplejwt_settings.api_settings
    algorithm = api_settings.ALGORITHM
    claims = dict(payload)
    if api_settings.AUDIENCE is not None:
        claims["aud"] = api_settings.AUDIENCE
    if api_settings.ISSUER is not None:
        claims["iss"] = api_settings.ISSUER
    if algorithm.startswith("HS"):
        key = _shared_secret(api_settings)
    elif private_key:
        key = private_key
    else:
        raise ValueError(f"{algorithm} tokens are signed with the issuer's private key: give it.")
    return jwt.encode(claims, key, algorithm=algorithm, headers={"kid": kid} if kid else None)


def token_issue(*, role: Role, user_id: uuid.UUID | str, ttl: timedelta, private_key: str | None = None,
                kid: str | None = None) -> str:
    """A signed access token for `user_id` acting as `role`, valid for `ttl`.

    The one way tokens are minted: issue_token, the benchmarks and the load runs all call it.
    """
    token = AccessToken()  # only its standard claims (token_type, exp, iat, jti); token_sign signs
    token.set_exp(lifetime=ttl)
    token["user_id"] = str(user_id)
    token["role"] = role
    return token_sign(token.payload, private_key=private_key, kid=kid)


@receiver(setting_changed)
def _rebuild_on_change(*, setting: str, **kwargs: Any) -> None:
    if setting in ("SIMPLE_JWT", "SECRET_KEY"):
        token_backend.cache_clear()
