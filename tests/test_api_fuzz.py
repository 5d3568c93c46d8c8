"""schemathesis against a live server: no 5xx, and every response matches the schema.

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

from tests.conftest import bearer_token
from tests.factories import (
    AgentErrorLogFactory,
    DesignDecisionFactory,
    DesignJobFactory,
    GeneratedTRDDocumentFactory,
    TechConversationFactory,
    TechResearchFactory,
    TechSpecSessionFactory,
)

ST = Path(sys.executable).with_name("st")


def seed() -> None:
    for _ in range(2):
        job = DesignJobFactory(with_outputs=True, user_id=uuid.uuid4())
        DesignDecisionFactory(job=job)
        session = TechSpecSessionFactory(design_job=job, user_id=job.user_id, status="in_progress",
                                         current_stage="research", progress_percentage=20)
        TechResearchFactory(session=session)
        TechConversationFactory(session=session)
        GeneratedTRDDocumentFactory(session=session, version=1)
        AgentErrorLogFactory(session=session)


@pytest.mark.slow
@pytest.mark.timeout(int(os.environ.get("FUZZ_MAX_SECONDS", "30")) + 150)
@pytest.mark.skipif(not ST.exists() and not shutil.which("st"), reason="schemathesis is in requirements-dev.txt")
def test_schemathesis_finds_no_server_error_and_no_schema_violation(live_servers, tmp_path):
    seed()
    # Fuzzing sends hundreds of requests: raise the limits for this server only.
    # DEBUG off: a 500 must carry no traceback, and the run sees what production answers.
    (server,) = live_servers(
        1, API_USER_RATE="100000/min", API_GLOBAL_RATE="100000/min", DEBUG="false",
        SECRET_KEY="fuzz-" + uuid.uuid4().hex, JWT_SIGNING_KEY=settings.SIMPLE_JWT["SIGNING_KEY"],
    )
    token = bearer_token(uuid.uuid4(), "staff")
    max_examples = os.environ.get("FUZZ_MAX_EXAMPLES", "5")
    max_seconds = os.environ.get("FUZZ_MAX_SECONDS", "30")

    result = subprocess.run(
        [
            str(ST if ST.exists() else shutil.which("st")), "run", f"{server.url}/api/schema/",
            "--checks", "not_a_server_error,response_schema_conformance",
            "--max-examples", max_examples, "--max-time", max_seconds, "--seed", "4",
            "--header", f"Authorization: Bearer {token}", "--request-timeout", "10",
            "--suppress-health-check", "all", "--no-color",
        ],
        # cwd: schemathesis keeps its example database in ./.schemathesis, not in the repo.
        cwd=tmp_path, capture_output=True, text=True, timeout=int(max_seconds) + 90,
    )

    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
