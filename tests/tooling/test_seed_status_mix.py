"""seed_data's status mix: each status gets its own weight, whatever order the weights are written in."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from tooling.seeding import config

pytestmark = pytest.mark.django_db

SESSIONS = 2000
# 2,000 draws: a share's standard error is at most about 0.011, so 0.05 is over four of them.
TOLERANCE = 0.05


def seeded_shares() -> dict[str, float]:
    call_command("seed_data", "--sessions", str(SESSIONS), "--seed", "5", "--clear", "--quiet", "--force",
                 stdout=StringIO(), stderr=StringIO())
    with connection.cursor() as cursor:
        cursor.execute("SELECT status, count(*) FROM tech_spec_sessions GROUP BY status")
        return {status: count / SESSIONS for status, count in cursor.fetchall()}


@pytest.mark.parametrize("order", ["as written", "reversed"])
def test_each_status_gets_its_weight_whatever_the_order_of_the_weights(order, monkeypatch):
    weights = dict(config.BASE_STATUS_WEIGHTS)
    if order == "reversed":
        monkeypatch.setattr(config, "BASE_STATUS_WEIGHTS", dict(reversed(list(weights.items()))))

    shares = seeded_shares()

    # The default TRD average (0.6) is above completed's weight, so no status is rescaled.
    for status, weight in weights.items():
        assert shares.get(status.value, 0.0) == pytest.approx(weight, abs=TOLERANCE), status
