"""manage.py issue_token: mint an API bearer token for local use."""

from __future__ import annotations

import json
import re
import uuid
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from rest_framework_simplejwt.tokens import AccessToken

from sessions_app.api.authentication import ROLES

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
        parser.add_argument("--role", choices=ROLES, default="user", help="Role claim (default: user).")
        parser.add_argument("--ttl", default="60m", help="Lifetime such as 30m, 12h, 7d (default: 60m).")
        parser.add_argument("--json", action="store_true", help="Print a JSON object instead of the bare token.")

    def handle(self, *args, **options):
        raw_user = options["user_id"]
        try:
            user_id = uuid.UUID(raw_user) if raw_user else uuid.uuid4()
        except ValueError:
            raise CommandError(f"--user-id {raw_user!r} is not a UUID, e.g. {uuid.uuid4()}.") from None
        lifetime = parse_ttl(options["ttl"])

        token = AccessToken()
        token.set_exp(lifetime=lifetime)
        token["user_id"] = str(user_id)
        token["role"] = options["role"]

        if options["json"]:
            payload = {"token": str(token), "user_id": str(user_id), "role": options["role"],
                       "expires_in_seconds": int(lifetime.total_seconds())}
            self.stdout.write(json.dumps(payload))
        else:
            self.stdout.write(str(token))
