"""`manage.py seed_data`: FK-correct, consistent, deterministic, safe to interrupt."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from design_bridge.models import DesignJob, DesignOutput, DesignOutputType
from sessions_app.models import (
    AgentErrorLog,
    GeneratedTRDDocument,
    SeedStubDesignJob,
    TechConversation,
    TechResearch,
    TechSpecSession,
)
from tests.factories import DesignJobFactory, TechSpecSessionFactory
from tooling.seeding import vocabulary
from tooling.seeding.writer import BatchWriter

pytestmark = pytest.mark.django_db

TECHSPEC_TABLES = ("tech_spec_sessions", "tech_research", "tech_conversations", "generated_trd_documents",
                   "agent_error_logs")
SHARED_TABLES = ("shared.design_jobs", "shared.design_outputs", "shared.design_decisions", "shared.design_progress")


def seed(*args: str, force: bool = True) -> str:
    # The test runner turns DEBUG off, which seed_data refuses without --force.
    out = StringIO()
    call_command("seed_data", *args, *(["--force"] if force else []), stdout=out, stderr=StringIO())
    return out.getvalue()


def scalar(sql: str, params=None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def fingerprint(tables=TECHSPEC_TABLES) -> dict[str, str]:
    """An md5 of every row of each table, in primary-key order."""
    return {t: scalar(f"SELECT md5(coalesce(string_agg(x::text, '|' ORDER BY x.id), '')) FROM {t} x") for t in tables}


@pytest.fixture(scope="class")
def seeded_200(django_db_setup, django_db_blocker):
    """200 seeded sessions (committed), shared by the read-only checks of one class, removed afterwards."""
    with django_db_blocker.unblock():
        seed("--sessions", "200", "--seed", "11", "--clear", "--batch-size", "64", "--quiet")
        yield
        seed("--clear", "--sessions", "0", "--quiet")


class TestGeneratedData:
    @pytest.fixture(autouse=True)
    def _data(self, seeded_200):
        pass

    def test_every_session_references_a_completed_stub_job_with_all_documents(self):
        assert TechSpecSession.objects.count() == 200
        assert DesignJob.objects.count() == 100  # one job per two sessions
        assert SeedStubDesignJob.objects.count() == 100
        assert not TechSpecSession.objects.exclude(design_job__status="completed").exists()
        for job in DesignJob.objects.prefetch_related("outputs", "decisions"):
            types = {o.output_type for o in job.outputs.all()}
            assert types == set(DesignOutputType.values)
            assert 2 <= len(job.decisions.all()) <= 3
            assert job.completed_at is not None
        assert not DesignOutput.objects.filter(output_type="ai_studio_code", file_path__isnull=True).exists()
        assert scalar("SELECT count(*) FROM tech_spec_sessions s JOIN shared.design_jobs j ON j.id = s.design_job_id "
                      "WHERE s.project_id <> j.project_id OR s.created_at <= j.completed_at") == 0

    def test_no_child_points_outside_the_seeded_sessions(self):
        for table in TECHSPEC_TABLES[1:]:
            orphans = scalar(f"SELECT count(*) FROM {table} c LEFT JOIN tech_spec_sessions s ON s.id = c.session_id "
                             "WHERE s.id IS NULL")
            assert orphans == 0, table
        foreign_research = scalar(
            "SELECT count(*) FROM tech_conversations c JOIN tech_research r ON r.id = c.research_id "
            "WHERE r.session_id <> c.session_id")
        assert foreign_research == 0
        assert TechConversation.objects.filter(research__isnull=False).exists()

    def test_per_session_averages_follow_the_defaults(self):
        n = TechSpecSession.objects.count()
        assert TechResearch.objects.count() / n == pytest.approx(3, abs=0.4)
        assert TechConversation.objects.count() / n == pytest.approx(8, abs=1.0)
        assert GeneratedTRDDocument.objects.count() / n == pytest.approx(0.6, abs=0.15)
        assert AgentErrorLog.objects.count() / n == pytest.approx(1.5, abs=0.3)
        assert len(set(TechSpecSession.objects.values_list("status", flat=True))) == 6

    def test_completed_sessions_have_trd_versions_one_to_n(self):
        completed = TechSpecSession.objects.filter(status="completed").prefetch_related("trd_documents")
        assert completed.exists()
        for session in completed:
            versions = sorted(d.version for d in session.trd_documents.all())
            assert versions == list(range(1, len(versions) + 1)) and versions
        assert not GeneratedTRDDocument.objects.exclude(session__status="completed").exists()
        assert "## 2. Architecture" in GeneratedTRDDocument.objects.first().trd_content

    def test_research_options_are_two_to_four_named_objects_and_decisions_pick_one(self):
        decided = 0
        for r in TechResearch.objects.all():
            names = [o["name"] for o in r.researched_options]
            assert 2 <= len(names) <= 4
            if r.selected_technology:
                decided += 1
                assert r.decision_timestamp is not None
                assert r.is_custom_selection or r.selected_technology in names
            else:
                assert r.decision_timestamp is None
        assert decided
        assert not TechResearch.objects.filter(session__status="pending").exclude(selected_technology="").exists()

    def test_conversations_alternate_roles_with_increasing_timestamps(self):
        last: dict = {}
        for m in TechConversation.objects.order_by("session_id", "timestamp", "id"):
            previous = last.get(m.session_id)
            if previous is None:
                assert m.role == "agent"
            else:
                assert m.role != previous.role
                assert m.timestamp > previous.timestamp
            last[m.session_id] = m

    def test_errors_use_agent_nodes_and_failed_sessions_end_unrecovered(self):
        assert set(AgentErrorLog.objects.values_list("node", flat=True)) <= set(vocabulary.NODES)
        assert not AgentErrorLog.objects.filter(recovered=True, recovery_strategy="").exists()
        for session in TechSpecSession.objects.filter(status="failed"):
            latest = session.error_logs.order_by("-created_at").first()
            assert latest is not None and not latest.recovered


def test_same_seed_gives_identical_rows_and_another_seed_does_not():
    seed("--sessions", "40", "--seed", "3", "--batch-size", "16", "--quiet")
    first = fingerprint(TECHSPEC_TABLES + SHARED_TABLES)
    # A different batch size must not matter: rows are a function of the seed and their index.
    seed("--sessions", "40", "--seed", "3", "--clear", "--batch-size", "10", "--quiet")
    assert fingerprint(TECHSPEC_TABLES + SHARED_TABLES) == first
    seed("--sessions", "40", "--seed", "4", "--clear", "--quiet")
    assert fingerprint()["tech_spec_sessions"] != first["tech_spec_sessions"]


def test_seeding_the_same_seed_twice_without_clear_is_refused():
    seed("--sessions", "4", "--seed", "9", "--quiet")
    with pytest.raises(CommandError, match="already in the database.*--clear"):
        seed("--sessions", "4", "--seed", "9", "--quiet")
    assert TechSpecSession.objects.count() == 4


def test_averages_can_be_overridden():
    seed("--sessions", "60", "--seed", "5", "--research", "0", "--trds", "0", "--errors", "4", "--quiet")
    assert TechResearch.objects.count() == 0
    assert GeneratedTRDDocument.objects.count() == 0
    assert not TechSpecSession.objects.filter(status="completed").exists()  # completed needs a TRD
    assert AgentErrorLog.objects.count() / 60 == pytest.approx(4, abs=0.8)


def test_clear_removes_techspec_rows_and_only_the_stub_jobs():
    real_job = DesignJobFactory(with_outputs=True)
    TechSpecSessionFactory(design_job=real_job)
    seed("--sessions", "20", "--seed", "1", "--quiet")
    assert DesignJob.objects.count() == 11

    seed("--clear", "--sessions", "0", "--quiet")

    assert list(DesignJob.objects.values_list("id", flat=True)) == [real_job.id]
    assert DesignOutput.objects.filter(job=real_job).count() == 4
    assert DesignOutput.objects.count() == 4
    assert TechSpecSession.objects.count() == 0
    assert SeedStubDesignJob.objects.count() == 0


def test_json_summary_reports_rows_per_table():
    summary = json.loads(seed("--sessions", "10", "--seed", "2", "--json"))
    assert summary["seed"] == 2 and summary["mode"] == "bootstrap"
    assert summary["tables"]["tech_spec_sessions"] == 10
    assert summary["tables"]["shared.design_jobs"] == 5
    assert summary["total_rows"] == sum(summary["tables"].values())


def test_summary_table_names_the_seed():
    out = seed("--sessions", "6", "--seed", "8")
    assert "tech_conversations" in out and "Seed 8, bootstrap mode" in out


class TestVerifyMode:
    @pytest.fixture(autouse=True)
    def _verify(self, settings):
        settings.DESIGN_BRIDGE_MODE = "verify"

    def test_sessions_attach_to_existing_complete_jobs_and_shared_is_never_written(self):
        complete = [DesignJobFactory(with_outputs=True) for _ in range(3)]
        DesignJobFactory()  # completed, but without its documents
        DesignJobFactory(status="running", with_outputs=True)
        before = fingerprint(SHARED_TABLES)

        seed("--sessions", "50", "--seed", "6", "--quiet")

        assert fingerprint(SHARED_TABLES) == before
        assert SeedStubDesignJob.objects.count() == 0
        assert TechSpecSession.objects.count() == 50
        used = set(TechSpecSession.objects.values_list("design_job_id", flat=True))
        assert used == {job.id for job in complete}
        for session in TechSpecSession.objects.select_related("design_job"):
            assert session.project_id == session.design_job.project_id

    def test_one_existing_job_still_gets_at_most_one_active_session_per_user(self):
        DesignJobFactory(with_outputs=True)
        seed("--sessions", "40", "--seed", "6", "--quiet")  # the partial unique index would refuse otherwise
        assert TechSpecSession.objects.count() == 40

    def test_without_completed_jobs_it_stops_and_says_what_to_do(self):
        DesignJobFactory(status="running", with_outputs=True)
        with pytest.raises(CommandError, match="no completed job.*Design Agent"):
            seed("--sessions", "5", "--quiet")
        assert TechSpecSession.objects.count() == 0

    def test_clear_in_verify_mode_keeps_shared_rows(self):
        DesignJobFactory(with_outputs=True)
        seed("--sessions", "5", "--seed", "1", "--quiet")
        before = fingerprint(SHARED_TABLES)
        seed("--clear", "--sessions", "0", "--quiet")
        assert fingerprint(SHARED_TABLES) == before
        assert TechSpecSession.objects.count() == 0


def test_debug_off_refuses_without_force(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        seed("--sessions", "2", "--quiet", force=False)
    assert TechSpecSession.objects.count() == 0
    seed("--sessions", "2", "--quiet", force=True)
    assert TechSpecSession.objects.count() == 2


def test_bad_options_are_refused_with_a_message():
    with pytest.raises(CommandError, match="--research must be between"):
        seed("--research", "-1")


@pytest.fixture
def committed_seed_cleanup(transactional_db):
    """Seeding in these tests really commits; remove the stub jobs before the tables are flushed."""
    yield
    seed("--clear", "--sessions", "0", "--quiet")


def _children_per_session() -> dict:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s.id, (SELECT count(*) FROM tech_research WHERE session_id = s.id),"
            " (SELECT count(*) FROM tech_conversations WHERE session_id = s.id),"
            " (SELECT count(*) FROM generated_trd_documents WHERE session_id = s.id),"
            " (SELECT count(*) FROM agent_error_logs WHERE session_id = s.id) FROM tech_spec_sessions s"
        )
        return {row[0]: row[1:] for row in cursor.fetchall()}


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_failure_mid_run_keeps_whole_committed_batches_and_nothing_else(committed_seed_cleanup, monkeypatch,
                                                                          workers):
    seed("--sessions", "30", "--seed", "12", "--batch-size", "10", "--quiet", "--workers", workers)
    complete = _children_per_session()
    seed("--clear", "--sessions", "0", "--quiet")

    original = BatchWriter.write

    def fail_in_second_batch(self, lo, hi, on_table=None):
        def maybe_fail(table, rows):
            # After the sessions and some children of batch 2 are written, before it commits.
            if lo == 10 and table == "tech_conversations":
                raise ConnectionError("connection lost")
        return original(self, lo, hi, on_table=maybe_fail)

    monkeypatch.setattr(BatchWriter, "write", fail_in_second_batch)
    with pytest.raises(CommandError, match="connection lost. Committed (10|20) of 30 sessions"):
        seed("--sessions", "30", "--seed", "12", "--batch-size", "10", "--quiet", "--workers", workers)

    partial = _children_per_session()
    assert len(partial) in (10, 20)  # batch 1 (and, with two workers, maybe batch 3) committed
    assert all(partial[sid] == complete[sid] for sid in partial)  # each committed session is whole
    for table in TECHSPEC_TABLES[1:]:
        assert scalar(f"SELECT count(*) FROM {table} WHERE session_id NOT IN (SELECT id FROM tech_spec_sessions)") == 0
    # The stub jobs of the rolled-back batch are gone with it.
    assert DesignJob.objects.count() == len(partial) // 2 == SeedStubDesignJob.objects.count()
