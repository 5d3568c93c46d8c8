"""schemathesis against a live server with every check: no 5xx, every status code, content type,
header and body as documented, schema-violating requests refused and schema-valid ones accepted.

Bounded: few examples per operation and a time budget, so it fits in `make test`.
`make fuzz` runs it alone with a larger budget (FUZZ_MAX_EXAMPLES, FUZZ_MAX_SECONDS).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from tests.factories import (
    AgentErrorLogFactory,
    DesignDecisionFactory,
    DesignJobFactory,
    GeneratedTRDDocumentFactory,
    TechConversationFactory,
    TechResearchFactory,
    TechSpecSessionFactory,
)
from tests.support.api import bearer_token

ST = Path(sys.executable).with_name("st")

# schemathesis.toml for the run. Each setting narrows what schemathesis generates, never what it checks:
CONFIG = """
[generation]
# PostgreSQL text cannot hold NUL, and the API refuses it (400) in every text field; the schema
# cannot say "no NUL" without a pattern on every string, so schema-valid data leaves it out.
allow-x00 = false

[checks.negative_data_rejection]
# 411 (chunked body) and 413 (body over API_MAX_BODY_BYTES) refuse a request as surely as a 400.
expected-statuses = [400, 401, 403, 404, 405, 406, 409, 411, 413, 415, 422, 428, 429]

[parameters]
# A cursor is opaque: only one from a page's next/previous link is valid, so a generated string is
# (rightly) 400 invalid_cursor, which positive_data_acceptance would count as a failure. "" is the
# first page's cursor; tests/api/test_list_pages.py sends forged cursors to every list.
"query.cursor" = ""
{seeded_ids}
[[operations]]
# Three rules JSON Schema cannot state ("unique across the items" of one property, "differs from
# another parameter"): a batch decides each research item once, a research item's options have
# unique names, and a TRD compare names two different versions (400 invalid_value otherwise).
# Schema-valid data can break them on these three operations only.
include-path = "/api/tech-spec/sessions/{session_pk}/decisions"
checks.positive_data_acceptance.expected-statuses = ["2xx", 400, 401, 403, 404, 409, 429]

[[operations]]
include-path = "/api/sessions/{session_pk}/research/"
include-method = "POST"
checks.positive_data_acceptance.expected-statuses = ["2xx", 400, 401, 403, 404, 409, 429]

[[operations]]
include-path = "/api/sessions/{session_pk}/trd-versions/compare"
checks.positive_data_acceptance.expected-statuses = ["2xx", 400, 401, 403, 404, 409, 429]
{seeded_item_ids}"""


def seed() -> dict[str, str]:
    """Two sessions with every child; the ids of the first, for the run's path parameters."""
    ids = {}
    for _ in range(2):
        job = DesignJobFactory(with_outputs=True, user_id=uuid.uuid4())
        DesignDecisionFactory(job=job)
        session = TechSpecSessionFactory(design_job=job, user_id=job.user_id, status="in_progress",
                                         current_stage="research", progress_percentage=20)
        TechResearchFactory(session=session)
        TechConversationFactory(session=session)
        GeneratedTRDDocumentFactory(session=session, version=1)
        error = AgentErrorLogFactory(session=session)
        ids = ids or {"session": str(session.id), "job": str(job.id), "project": str(job.project_id),
                      "error": str(error.id)}
    return ids


def config(ids: dict[str, str]) -> str:
    """CONFIG with the path ids of seeded rows, so requests reach the views' logic rather than a 404
    on a random id (forged and non-canonical ids have their own tests in test_request_rules.py)."""
    seeded_ids = f'"path.session_pk" = "{ids["session"]}"\n"path.project_id" = "{ids["project"]}"\n'
    by_path = {"/api/sessions/{id}/": ids["session"], "/api/errors/{id}/": ids["error"],
               "/api/design-jobs/{id}/": ids["job"]}
    seeded_item_ids = "".join(
        f'\n[[operations]]\ninclude-path = "{path}"\nparameters = {{ "path.id" = "{value}" }}\n'
        for path, value in by_path.items()
    )
    return CONFIG.replace("{seeded_ids}", seeded_ids).replace("{seeded_item_ids}", seeded_item_ids)


@pytest.mark.slow
@pytest.mark.timeout(int(os.environ.get("FUZZ_MAX_SECONDS", "60")) + 150)
@pytest.mark.skipif(not ST.exists() and not shutil.which("st"), reason="schemathesis is in requirements-dev.txt")
def test_schemathesis_finds_no_server_error_and_no_schema_violation(live_servers, tmp_path):
    ids = seed()
    # Fuzzing sends hundreds of requests: raise the limits for this server only.
    # DEBUG off: a 500 must carry no traceback, and the run sees what production answers.
    (server,) = live_servers(
        1, API_USER_RATE="100000/min", API_GLOBAL_RATE="100000/min", DEBUG="false",
        SECRET_KEY="fuzz-" + uuid.uuid4().hex, JWT_SIGNING_KEY=settings.SIMPLE_JWT["SIGNING_KEY"],
    )
    token = bearer_token(uuid.uuid4(), "staff")
    max_examples = os.environ.get("FUZZ_MAX_EXAMPLES", "5")
    max_seconds = os.environ.get("FUZZ_MAX_SECONDS", "60")
    (tmp_path / "schemathesis.toml").write_text(config(ids))

    result = subprocess.run(
        [
            str(ST if ST.exists() else shutil.which("st")), "run", f"{server.url}/api/schema/",
            "--checks", "all", "--mode", "all",
            "--max-examples", max_examples, "--max-time", max_seconds, "--seed", "4",
            "--header", f"Authorization: Bearer {token}", "--request-timeout", "10",
            "--suppress-health-check", "all", "--no-color",
        ],
        # cwd: schemathesis reads ./schemathesis.toml and keeps its example database in
        # ./.schemathesis, both in tmp_path, not in the repo.
        cwd=tmp_path, capture_output=True, text=True, timeout=int(max_seconds) + 90,
    )

    summary = result.stdout[result.stdout.rfind("SUMMARY"):] if "SUMMARY" in result.stdout else result.stdout[-3000:]
    print(summary)  # the counts, for `make fuzz` and the report
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
