"""RS256/ES256 tokens (issue 14): techspec verifies with public keys only (a PEM file or a JWKS URL,
keys chosen by `kid`), checks `iss` and `aud` when configured, and refuses every other algorithm."""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json
import os
import subprocess
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from tests.support.api import assert_error, claims
from tests.support.processes import ROOT

pytestmark = pytest.mark.django_db

URL = "/api/sessions/"


def rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def ec_key():
    return ec.generate_private_key(ec.SECP256R1())


def private_pem(key) -> str:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def public_pem(key) -> str:
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo).decode()


@pytest.fixture(scope="module")
def keys():
    return {"rsa": rsa_key(), "rsa_other": rsa_key(), "ec": ec_key()}


@pytest.fixture
def jwt_config(settings):
    """`jwt_config(algorithm, public_key=..., jwks_url=..., issuer=..., audience=...)` sets SIMPLE_JWT as
    settings/api.py builds it from the JWT_* variables."""
    def configure(algorithm: str, *, public_key: str = "", jwks_url: str | None = None,
                  issuer: str | None = None, audience: str | None = None):
        settings.JWT_ALGORITHM = algorithm
        settings.SIMPLE_JWT = {**settings.SIMPLE_JWT, "ALGORITHM": algorithm, "VERIFYING_KEY": public_key,
                               "JWK_URL": jwks_url, "ISSUER": issuer, "AUDIENCE": audience}

    return configure


def status_with(token: str) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client.get(URL).status_code


def sign(key, algorithm: str, kid: str | None = None, **overrides) -> str:
    return jwt.encode(claims(**overrides), private_pem(key), algorithm=algorithm,
                      headers={"kid": kid} if kid else None)


def hs256_signed_with(secret: bytes, payload: dict) -> str:
    """An HS256 token whose HMAC secret is `secret` (PyJWT itself refuses a PEM key as an HMAC secret)."""
    def part(data: dict) -> bytes:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=")
    signing_input = part({"alg": "HS256", "typ": "JWT"}) + b"." + part(payload)
    signature = base64.urlsafe_b64encode(hmac.new(secret, signing_input, hashlib.sha256).digest()).rstrip(b"=")
    return (signing_input + b"." + signature).decode()


@pytest.mark.parametrize(("algorithm", "name"), [("RS256", "rsa"), ("ES256", "ec")])
def test_a_token_signed_with_the_issuers_private_key_is_accepted(keys, jwt_config, algorithm, name):
    jwt_config(algorithm, public_key=public_pem(keys[name]))

    assert status_with(sign(keys[name], algorithm)) == 200


def test_a_token_signed_with_another_key_is_401(keys, jwt_config):
    jwt_config("RS256", public_key=public_pem(keys["rsa"]))

    assert_error(APIClient(HTTP_AUTHORIZATION=f"Bearer {sign(keys['rsa_other'], 'RS256')}").get(URL), 401)


def test_an_hs256_token_signed_with_the_public_key_text_is_401(keys, jwt_config):
    """Algorithm confusion: the public key is no secret, so an HMAC over it proves nothing."""
    public_key = public_pem(keys["rsa"])
    jwt_config("RS256", public_key=public_key)

    assert status_with(hs256_signed_with(public_key.encode(), claims())) == 401


@pytest.mark.parametrize("algorithm", ["ES256", "RS512", "PS256", "HS256"])
def test_a_token_of_another_algorithm_is_401(keys, jwt_config, settings, algorithm):
    jwt_config("RS256", public_key=public_pem(keys["rsa"]))
    key = {"ES256": keys["ec"], "RS512": keys["rsa"], "PS256": keys["rsa"]}.get(algorithm)
    token = (jwt.encode(claims(), settings.SIMPLE_JWT["SIGNING_KEY"], algorithm="HS256") if key is None
             else sign(key, algorithm))

    assert status_with(token) == 401


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"iss": "https://auth.example", "aud": "techspec"}, 200),
        ({"aud": "techspec"}, 401),  # no iss
        ({"iss": "https://evil.example", "aud": "techspec"}, 401),
        ({"iss": "https://auth.example"}, 401),  # no aud
        ({"iss": "https://auth.example", "aud": "another-service"}, 401),
    ],
    ids=["right", "no-iss", "wrong-iss", "no-aud", "wrong-aud"],
)
def test_issuer_and_audience_are_checked_when_configured(keys, jwt_config, overrides, expected):
    jwt_config("ES256", public_key=public_pem(keys["ec"]), issuer="https://auth.example", audience="techspec")

    assert status_with(sign(keys["ec"], "ES256", **overrides)) == expected


# --- a JWKS on a loopback HTTP server ---------------------------------------------------------


def jwk(key, kid: str, algorithm: str) -> dict:
    algorithm_class = jwt.algorithms.RSAAlgorithm if algorithm.startswith("RS") else jwt.algorithms.ECAlgorithm
    return {**json.loads(algorithm_class.to_jwk(key.public_key())), "kid": kid, "alg": algorithm, "use": "sig"}


@pytest.fixture
def jwks_server():
    """Serves {"keys": [...]} at http://127.0.0.1:<port>/jwks.json; `.fetches` counts the requests."""
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            server.fetches += 1
            body = json.dumps({"keys": server.keys}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.keys, server.fetches = [], 0
    server.url = f"http://127.0.0.1:{server.server_address[1]}/jwks.json"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_a_jwks_with_two_keys_verifies_tokens_of_either_by_kid(keys, jwt_config, jwks_server):
    """Rotation: the issuer publishes the next key beside the current one; both verify until the old one goes."""
    jwks_server.keys = [jwk(keys["rsa"], "2026-11", "RS256"), jwk(keys["rsa_other"], "2026-12", "RS256")]
    jwt_config("RS256", jwks_url=jwks_server.url)

    assert status_with(sign(keys["rsa"], "RS256", kid="2026-11")) == 200
    assert status_with(sign(keys["rsa_other"], "RS256", kid="2026-12")) == 200
    # The right kid with the other key's signature, an unknown kid, no kid at all:
    assert status_with(sign(keys["rsa_other"], "RS256", kid="2026-11")) == 401
    assert status_with(sign(rsa_key(), "RS256", kid="2027-01")) == 401
    assert status_with(sign(keys["rsa"], "RS256")) == 401


def test_tokens_with_made_up_kids_do_not_make_techspec_hammer_the_key_server(keys, jwt_config, jwks_server):
    jwks_server.keys = [jwk(keys["rsa"], "current", "RS256")]
    jwt_config("RS256", jwks_url=jwks_server.url)
    assert status_with(sign(keys["rsa"], "RS256", kid="current")) == 200

    statuses = [status_with(sign(keys["rsa"], "RS256", kid=f"made-up-{i}")) for i in range(20)]

    assert statuses == [401] * 20
    assert jwks_server.fetches <= 2  # the first fetch, and at most one refetch per cooldown


def test_a_key_server_that_does_not_answer_is_401_not_a_500(keys, jwt_config):
    jwt_config("RS256", jwks_url="http://127.0.0.1:9/jwks.json")  # discard port: connection refused

    assert status_with(sign(keys["rsa"], "RS256", kid="current")) == 401


# --- issue_token and settings -------------------------------------------------------------------


def test_issue_token_signs_with_a_private_key_file_the_api_accepts(keys, jwt_config, tmp_path):
    jwt_config("ES256", public_key=public_pem(keys["ec"]), issuer="https://auth.example", audience="techspec")
    key_file = tmp_path / "issuer.pem"
    key_file.write_text(private_pem(keys["ec"]))
    out = io.StringIO()

    call_command("issue_token", "--role", "agent", "--private-key", str(key_file), "--kid", "k1", stdout=out)

    token = out.getvalue().strip()
    assert jwt.get_unverified_header(token)["kid"] == "k1"
    assert status_with(token) == 200


def test_issue_token_without_the_private_key_says_this_server_only_verifies(keys, jwt_config):
    jwt_config("RS256", public_key=public_pem(keys["rsa"]))

    with pytest.raises(CommandError, match="only verifies"):
        call_command("issue_token", stdout=io.StringIO())


@pytest.mark.slow
@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"JWT_ALGORITHM": "RS256"}, "set exactly one of JWT_PUBLIC_KEY_FILE"),
        ({"JWT_ALGORITHM": "none"}, "JWT_ALGORITHM must be HS256, RS256 or ES256"),
        ({"JWT_ALGORITHM": "ES256", "JWT_PUBLIC_KEY_FILE": "/nonexistent.pem"}, "cannot be read"),
        ({"JWT_ALGORITHM": "RS256", "JWT_JWKS_URL": "file:///etc/jwks.json"}, "must be an https://"),
        ({"API_GLOBAL_RESERVED_PERCENT": "100"}, "API_GLOBAL_RESERVED_PERCENT must be 0 to 99"),
        ({"DEBUG": "false", "SECRET_KEY": "x" * 50, "JWT_ALGORITHM": "RS256",
          "JWT_JWKS_URL": "http://issuer.example/jwks.json"}, "must be an https:// URL when DEBUG is off"),
    ],
)
def test_an_incomplete_token_or_rate_configuration_stops_start_up_with_a_message(env, message):
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "techspec_project.settings", **env},
    )

    assert result.returncode != 0
    assert message in result.stderr


def test_tokens_expire_under_asymmetric_keys_too(keys, jwt_config):
    jwt_config("RS256", public_key=public_pem(keys["rsa"]))

    assert status_with(sign(keys["rsa"], "RS256", exp=int(time.time()) - 5)) == 401
    assert status_with(sign(keys["rsa"], "RS256", user_id=str(uuid.uuid4()))) == 200
