"""The Design Agent loaders read shared.* rows in at most two queries."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from design_bridge.errors import DesignJobNotCompleted, DesignJobNotFound, DesignOutputsMissing
from design_bridge.models import DesignOutputType
from design_bridge.services import (
    load_design_agent_outputs,
    load_design_decisions,
    load_design_job_manifest,
    validate_design_job_completed,
)
from tests.factories import DesignDecisionFactory, DesignJobFactory, DesignOutputFactory

pytestmark = pytest.mark.django_db


def test_outputs_load_the_four_documents_by_type():
    job = DesignJobFactory(with_outputs=True)
    outputs = load_design_agent_outputs(job.id)
    assert outputs.prd == "# prd\n\nDocument body."
    assert outputs.design_system == "# design_system\n\nDocument body."
    assert outputs.ux_flow == "# ux_flow\n\nDocument body."
    assert outputs.screen_specs == "# screen_specs\n\nDocument body."
    assert outputs.job == job


def test_outputs_carry_the_ai_studio_code_file_path():
    job = DesignJobFactory(with_outputs=True)
    DesignOutputFactory(job=job, output_type=DesignOutputType.AI_STUDIO_CODE, file_path="/code/app.zip")
    assert load_design_agent_outputs(job.id).ai_studio_code_path == "/code/app.zip"


def test_outputs_without_ai_studio_code_have_no_path():
    job = DesignJobFactory(with_outputs=True)
    assert load_design_agent_outputs(job.id).ai_studio_code_path is None


def test_outputs_are_frozen():
    outputs = load_design_agent_outputs(DesignJobFactory(with_outputs=True).id)
    with pytest.raises(AttributeError):
        outputs.prd = "changed"


def test_outputs_of_a_missing_job_raise_design_job_not_found():
    with pytest.raises(DesignJobNotFound) as caught:
        load_design_agent_outputs(uuid.uuid4())
    assert caught.value.code == "design_job_not_found"


def test_a_malformed_job_id_is_reported_as_not_found():
    with pytest.raises(DesignJobNotFound):
        load_design_agent_outputs("not-a-uuid")


def test_missing_outputs_are_listed_sorted_in_details():
    job = DesignJobFactory()
    DesignOutputFactory(job=job, output_type=DesignOutputType.PRD)
    DesignOutputFactory(job=job, output_type=DesignOutputType.AI_STUDIO_CODE)
    with pytest.raises(DesignOutputsMissing) as caught:
        load_design_agent_outputs(job.id)
    assert caught.value.details["missing"] == ["design_system", "screen_specs", "ux_flow"]
    assert caught.value.code == "design_outputs_missing"
    assert "design_system, screen_specs, ux_flow" in caught.value.message


def test_outputs_load_in_two_queries_whatever_their_size(django_assert_num_queries):
    job = DesignJobFactory(with_outputs=True)
    DesignOutputFactory(job=job, output_type=DesignOutputType.AI_STUDIO_CODE, file_path="/x")
    with django_assert_num_queries(2):
        load_design_agent_outputs(job.id)


def test_a_completed_job_validates():
    job = DesignJobFactory()
    assert validate_design_job_completed(job.id) == job


@pytest.mark.parametrize("status", ["pending", "running", "failed"])
def test_an_unfinished_job_is_not_completed_and_names_its_status(status):
    job = DesignJobFactory(status=status)
    with pytest.raises(DesignJobNotCompleted) as caught:
        validate_design_job_completed(job.id)
    assert f"not completed (status {status})" in caught.value.message
    assert caught.value.details["status"] == status


def test_validating_a_missing_job_raises_not_found():
    with pytest.raises(DesignJobNotFound):
        validate_design_job_completed(uuid.uuid4())


def test_validation_takes_one_query(django_assert_num_queries):
    job = DesignJobFactory()
    with django_assert_num_queries(1):
        validate_design_job_completed(job.id)


def test_decisions_load_oldest_first():
    job = DesignJobFactory()
    now = timezone.now()
    newer = DesignDecisionFactory(job=job, created_at=now, decision_value="newer")
    older = DesignDecisionFactory(job=job, created_at=now - timedelta(hours=1), decision_value="older")
    loaded = load_design_decisions(job.id)
    assert [d.id for d in loaded] == [older.id, newer.id]
    assert loaded[0].decision_value == "older"
    assert loaded[0].reasoning == "Matches the brand."


def test_decisions_of_another_job_are_not_loaded():
    job = DesignJobFactory()
    DesignDecisionFactory()
    assert load_design_decisions(job.id) == []


def test_decisions_of_a_missing_job_raise_not_found():
    with pytest.raises(DesignJobNotFound):
        load_design_decisions(uuid.uuid4())


@pytest.mark.parametrize("rows", [3, 30])
def test_decisions_load_in_two_queries_for_any_count(rows, django_assert_max_num_queries):
    job = DesignJobFactory()
    DesignDecisionFactory.create_batch(rows, job=job)
    with django_assert_max_num_queries(2):
        assert len(load_design_decisions(job.id)) == rows


def test_manifest_reports_sizes_and_decision_count_in_two_queries(django_assert_num_queries):
    job = DesignJobFactory(with_outputs=True)
    DesignDecisionFactory.create_batch(3, job=job)
    with django_assert_num_queries(2):
        manifest = load_design_job_manifest(job.id)
    assert manifest.output_sizes["prd"] == len("# prd\n\nDocument body.")
    assert manifest.decision_count == 3
    assert manifest.missing_outputs == []
