"""manage.py issue_token: mint an API bearer token for local use."""

from __future__ import annotations

import json
import re
import uuid
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from sessions_app.api import token_keys
from sessions_app.roles import TOKEN_ROLES, Role
from techspec_project.uuids import lenient_uuid

TTL_PATTERN = re.compile(r"^(\d+)([smhd])$")
UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def parse_ttl(text: str) -> timedelta:
    match = TTL_PATTERN.match(text.strip())
    if not match or int(match.group(1)) == 0:
        raise CommandError(f"--ttl {text!r} is not a duration: use a number and a unit, e.g. 30m, 12h or 7d.")
    return timedelta(**{UNITS[match.group(2)]: int(match.group(1))})


class Command(BaseCommand):
    help = (
        "Print a signed JWT for the API. The token's user_id is matched against "
        "tech_spec_sessions.user_id; its role decides what it may do (user: own sessions; "
        "agent: also the agent writes on own sessions; staff: everything)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--user-id", default=None, help="The platform user's UUID (default: a new random one).")
        parser.add_argument(
            "--role", choices=[role.value for role in TOKEN_ROLES], default=Role.USER.value,
            help="Role claim (default: user).",
        )
        parser.add_argument("--ttl", default="60m", help="Lifetime such as 30m, 12h, 7d (default: 60m).")
        parser.add_argument("--json", action="store_true", help="Print a JSON object instead of the bare token.")
        parser.add_argument(
            "--private-key", default=None, metavar="PEM_FILE",
            help="Sign with this private key (PEM) when JWT_ALGORITHM is RS256 or ES256; "
                 "HS256 (the default) signs with JWT_SIGNING_KEY and needs none.",
        )
        parser.add_argument("--kid", default=None, help="Key id for the token header (which JWKS key verifies it).")

    def handle(self, *args, **options):
        raw_user = options["user_id"]
        user_id = lenient_uuid(raw_user) if raw_user else uuid.uuid4()
        if user_id is None:
            raise CommandError(f"--user-id {raw_user!r} is not a UUID, e.g. {uuid.uuid4()}.")
        lifetime = parse_ttl(options["ttl"])

        signed = self._signed(user_id, Role(options["role"]), lifetime, options["private_key"], options["kid"])

        if options["json"]:
            payload = {"token": signed, "user_id": str(user_id), "role": options["role"],
                       "expires_in_seconds": int(lifetime.total_seconds())}
            self.stdout.write(json.dumps(payload))
        else:
            self.stdout.write(signed)

    def _signed(self, user_id: uuid.UUID, role: Role, ttl: timedelta, key_file: str | None, kid: str | None) -> str:
        algorithm = settings.JWT_ALGORITHM
        if algorithm == "HS256":
            if key_file:
                raise CommandError("--private-key is for RS256/ES256; JWT_ALGORITHM is HS256 (JWT_SIGNING_KEY signs).")
            return token_keys.token_issue(role=role, user_id=user_id, ttl=ttl, kid=kid)
        if not key_file:
            raise CommandError(
                f"JWT_ALGORITHM is {algorithm}: this server only verifies tokens. Pass the issuer's "
                "private key with --private-key PEM_FILE (local use), or get a token from the issuer."
            )
        try:
            private_key = Path(key_file).read_text()
        except OSError as exc:
            raise CommandError(f"--private-key {key_file!r} cannot be read: {exc}") from None
        try:
            return token_keys.token_issue(role=role, user_id=user_id, ttl=ttl, private_key=private_key, kid=kid)
        except (ValueError, TypeError) as exc:  # not a PEM key, or one of the wrong type
            raise CommandError(f"--private-key {key_file!r} is not a {algorithm} private key: {exc}") from None
