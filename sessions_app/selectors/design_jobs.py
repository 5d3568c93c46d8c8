"""Reads of the Design Agent's jobs, for the pages that show where a session came from."""

from __future__ import annotations

from django.db.models import Prefetch

from design_bridge.errors import DesignJobNotFound
from design_bridge.models import DesignDecision, DesignJob, DesignOutput
from sessions_app.errors import Id, as_uuid


def design_job_detail(*, design_job_id: Id) -> DesignJob:
    """The job with `outputs` (by type) and `decisions` (oldest first) prefetched: three queries."""
    pk = as_uuid(design_job_id, DesignJobNotFound)
    job = (
        DesignJob.objects.filter(pk=pk)
        .prefetch_related(
            Prefetch("outputs", queryset=DesignOutput.objects.order_by("output_type")),
            Prefetch("decisions", queryset=DesignDecision.objects.order_by("created_at", "id")),
        )
        .first()
    )
    if job is None:
        raise DesignJobNotFound(design_job_id)
    return job
