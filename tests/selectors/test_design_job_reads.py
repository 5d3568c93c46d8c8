"""Reading Design Agent jobs: the detail with its outputs and decisions, visible by the sessions' rule."""

from __future__ import annotations

import uuid

import pytest

from design_bridge.errors import DesignJobNotFound
from design_bridge.models import DesignOutputType
from sessions_app.selectors import design_job_detail
from tests.factories import DesignDecisionFactory, DesignJobFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("rows", [3, 30])
def test_design_job_detail_prefetches_outputs_and_decisions_in_three_queries(rows, django_assert_num_queries):
    job = DesignJobFactory(with_outputs=True)
    DesignDecisionFactory.create_batch(rows, job=job)
    with django_assert_num_queries(3):
        found = design_job_detail(design_job_id=job.id)
        assert len(found.decisions.all()) == rows
        assert [o.output_type for o in found.outputs.all()] == sorted(
            [DesignOutputType.PRD, DesignOutputType.DESIGN_SYSTEM, DesignOutputType.UX_FLOW,
             DesignOutputType.SCREEN_SPECS]
        )


def test_design_job_detail_of_a_missing_job_raises_not_found():
    with pytest.raises(DesignJobNotFound):
        design_job_detail(design_job_id=uuid.uuid4())


def test_design_jobs_follow_the_sessions_visibility_rule():
    from sessions_app.selectors import design_job_list

    job = DesignJobFactory()
    assert design_job_detail(design_job_id=job.id, owner_id=job.user_id) == job
    with pytest.raises(DesignJobNotFound):
        design_job_detail(design_job_id=job.id, owner_id=uuid.uuid4())
    # A malformed owner id sees nothing, as for sessions, instead of failing in the query.
    with pytest.raises(DesignJobNotFound):
        design_job_detail(design_job_id=job.id, owner_id="not-a-uuid")
    assert list(design_job_list(owner_id="not-a-uuid")) == []
    assert job in design_job_list()
