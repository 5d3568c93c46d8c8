"""Every check and unique constraint is PostgreSQL's, not only the ORM's.

Each case breaks one rule twice: through the ORM (`.objects`) and through raw
SQL, as another service would; both must raise IntegrityError naming the
constraint, and the row must be unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from tests.factories import (
    AgentErrorLogFactory,
    GeneratedTRDDocumentFactory,
    TechConversationFactory,
    TechResearchFactory,
    TechSpecSessionFactory,
)

pytestmark = pytest.mark.django_db

NOW = timezone.now()


@dataclass(frozen=True)
class Case:
    constraint: str
    factory: Callable
    bad: dict  # column values that break the rule
    id: str = ""

    def __str__(self) -> str:
        return self.id or self.constraint


CASES = [
    Case("session_status_valid", TechSpecSessionFactory, {"status": "sleeping"}),
    Case("session_stage_valid", TechSpecSessionFactory, {"current_stage": "dreaming"}),
    # Above 100 is caught first by session_completion_consistent (100 only when completed).
    Case("session_progress_range", TechSpecSessionFactory, {"progress_percentage": -1}),
    Case(
        "session_completion_consistent",
        TechSpecSessionFactory,
        {"status": "completed", "current_stage": "completed", "progress_percentage": 90, "completed_at": NOW},
        "completed-below-100",
    ),
    Case(
        "session_completion_consistent",
        TechSpecSessionFactory,
        {"progress_percentage": 100},
        "100-while-pending",
    ),
    Case(
        "session_completion_consistent",
        TechSpecSessionFactory,
        {"completed_at": NOW},
        "completed-at-while-pending",
    ),
    Case(
        "session_completion_consistent",
        TechSpecSessionFactory,
        {"status": "completed", "current_stage": "completed", "progress_percentage": 100},
        "completed-without-completed-at",
    ),
    Case("session_data_is_object", TechSpecSessionFactory, {"session_data": ["not", "an", "object"]}),
    Case("research_category_not_blank", TechResearchFactory, {"technology_category": ""}),
    Case("research_options_is_array", TechResearchFactory, {"researched_options": {"name": "PostgreSQL"}}),
    Case(
        "research_decision_complete",
        TechResearchFactory,
        {"selected_technology": "PostgreSQL"},
        "technology-without-timestamp",
    ),
    Case(
        "research_decision_complete",
        TechResearchFactory,
        {"decision_timestamp": NOW},
        "timestamp-without-technology",
    ),
    Case(
        "research_selection_in_options",
        TechResearchFactory,
        {"selected_technology": "CouchDB", "decision_timestamp": NOW},
    ),
    Case("conversation_role_valid", TechConversationFactory, {"role": "robot"}),
    Case("conversation_type_valid", TechConversationFactory, {"message_type": "telegram"}),
    Case("conversation_metadata_is_object", TechConversationFactory, {"metadata": "text"}),
    Case("trd_version_positive", GeneratedTRDDocumentFactory, {"version": 0}),
    Case("trd_quality_score_range", GeneratedTRDDocumentFactory, {"quality_score": 100.5}),
    Case("trd_quality_score_range", GeneratedTRDDocumentFactory, {"quality_score": -1}, "score-negative"),
    Case("trd_validation_report_is_object", GeneratedTRDDocumentFactory, {"validation_report": [1]}),
    Case("error_retry_count_non_negative", AgentErrorLogFactory, {"retry_count": -1}),
    Case("error_node_not_blank", AgentErrorLogFactory, {"node": ""}),
    Case("error_type_not_blank", AgentErrorLogFactory, {"error_type": ""}),
]


def assert_violates(constraint: str, write: Callable[[], object]) -> None:
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        write()
    assert caught.value.__cause__.diag.constraint_name == constraint


def raw_update(model: type[models.Model], pk, values: dict) -> None:
    fields = {model._meta.get_field(name): value for name, value in values.items()}
    assignments = ", ".join(
        f"{f.column} = %s::jsonb" if isinstance(f, models.JSONField) else f"{f.column} = %s" for f in fields
    )
    params = [json.dumps(v) if isinstance(f, models.JSONField) else v for f, v in fields.items()]
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {model._meta.db_table} SET {assignments} WHERE id = %s", [*params, pk])


@pytest.mark.parametrize("case", CASES, ids=str)
def test_check_constraint_rejects_orm_write(case):
    row = case.factory()
    model = type(row)
    assert_violates(case.constraint, lambda: model.objects.filter(pk=row.pk).update(**case.bad))
    row_after = model.objects.get(pk=row.pk)
    assert all(getattr(row_after, k) != v for k, v in case.bad.items() if k != "completed_at")


@pytest.mark.parametrize("case", CASES, ids=str)
def test_check_constraint_rejects_raw_sql(case):
    row = case.factory()
    assert_violates(case.constraint, lambda: raw_update(type(row), row.pk, case.bad))


@pytest.mark.parametrize("case", [c for c in CASES if c.constraint.startswith("research_")], ids=str)
def test_check_constraint_rejects_orm_create(case):
    """`.objects.create()` hits the same rule as an update."""
    session = TechSpecSessionFactory()
    good = {"technology_category": "db", "gap_description": "gap", "researched_options": [{"name": "PostgreSQL"}]}
    from sessions_app.models import TechResearch

    assert_violates(case.constraint, lambda: TechResearch.objects.create(session=session, **{**good, **case.bad}))


def test_custom_selection_may_name_a_technology_outside_the_options():
    research = TechResearchFactory()
    type(research).objects.filter(pk=research.pk).update(
        selected_technology="CouchDB", is_custom_selection=True, decision_timestamp=NOW
    )
    research.refresh_from_db()
    assert research.selected_technology == "CouchDB"


def test_selection_among_the_options_is_accepted():
    research = TechResearchFactory(decided=True)
    research.refresh_from_db()
    assert research.selected_technology == "PostgreSQL"


def test_trd_version_is_unique_per_session_through_orm_and_sql():
    trd = GeneratedTRDDocumentFactory(version=1)
    assert_violates(
        "trd_version_unique_per_session",
        lambda: GeneratedTRDDocumentFactory(session=trd.session, version=1),
    )

    def raw_insert():
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO generated_trd_documents (session_id, trd_content, api_specification, database_schema,"
                " architecture_diagram, tech_stack_document, validation_report, version)"
                " VALUES (%s, 'x', '', '', '', '', '{}', 1)",
                [trd.session_id],
            )

    assert_violates("trd_version_unique_per_session", raw_insert)
    # Another session may have its own version 1.
    GeneratedTRDDocumentFactory(version=1)


def test_one_active_session_per_design_job_and_user_through_orm_and_sql():
    first = TechSpecSessionFactory()
    assert_violates(
        "session_one_active_per_job_user",
        lambda: TechSpecSessionFactory(design_job=first.design_job, user_id=first.user_id),
    )

    def raw_insert():
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO tech_spec_sessions (project_id, design_job_id, user_id, status, current_stage,"
                " progress_percentage, session_data, websocket_url) VALUES (%s, %s, %s, 'in_progress',"
                " 'research', 10, '{}', '')",
                [first.project_id, first.design_job_id, first.user_id],
            )

    assert_violates("session_one_active_per_job_user", raw_insert)


def test_finished_sessions_do_not_block_a_new_active_one():
    done = TechSpecSessionFactory(completed=True)
    TechSpecSessionFactory(design_job=done.design_job, user_id=done.user_id, status="failed")
    again = TechSpecSessionFactory(design_job=done.design_job, user_id=done.user_id)
    assert again.status == "pending"


def test_session_must_reference_an_existing_design_job():
    import uuid

    def raw_insert():
        with connection.cursor() as cursor:
            # The FK is DEFERRABLE INITIALLY DEFERRED, like every Django FK: check it now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "INSERT INTO tech_spec_sessions (project_id, design_job_id, user_id, status, current_stage,"
                " progress_percentage, session_data, websocket_url)"
                " VALUES (%s, %s, %s, 'pending', 'initialization', 0, '{}', '')",
                [uuid.uuid4(), uuid.uuid4(), uuid.uuid4()],
            )

    with pytest.raises(IntegrityError), transaction.atomic():
        raw_insert()


def test_a_rate_counter_window_is_positive_through_orm_and_sql():
    from sessions_app.models import ApiRateCounter

    assert_violates(
        "api_rate_counters_window_positive",
        lambda: ApiRateCounter.objects.create(key="user:x", window_start=NOW, window_seconds=0, hits=1),
    )

    def raw_insert():
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO api_rate_counters (key, window_start, window_seconds, hits) VALUES ('api', now(), 0, 1)"
            )

    assert_violates("api_rate_counters_window_positive", raw_insert)
    assert not ApiRateCounter.objects.exists()


def test_every_declared_constraint_has_a_case():
    """A new constraint without a test here fails this test."""
    declared = {
        constraint.name
        for model in apps.get_app_config("sessions_app").get_models()
        for constraint in model._meta.constraints
    }
    covered = {case.constraint for case in CASES} | {
        "trd_version_unique_per_session",
        "session_one_active_per_job_user",
        "api_rate_counters_window_positive",
    }
    assert declared == covered
