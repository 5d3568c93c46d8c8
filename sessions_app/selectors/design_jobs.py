"""Reads of the Design Agent's jobs: the API's list and detail, and the pages that
show where a session came from. Staff (owner_id None) see every job; a user sees
the jobs whose user_id is theirs (the sessions' visibility rule, visible_to), and
another user's job is DesignJobNotFound."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from design_bridge.errors import DesignJobNotFound
from design_bridge.models import DesignDecision, DesignJob, DesignOutput
from sessions_app.errors import Id, as_uuid
from sessions_app.selectors._common import only_row, visible_to


def design_job_list(*, owner_id: Id | None = None) -> QuerySet[DesignJob]:
    """Jobs newest first, scoped to the owner."""
    return visible_to(DesignJob.objects.order_by("-created_at", "-id"), owner_id)


def design_job_detail(*, design_job_id: Id, owner_id: Id | None = None) -> DesignJob:
    """The job with `outputs` (by type) and `decisions` (oldest first) prefetched: three queries."""
    pk = as_uuid(design_job_id, DesignJobNotFound)
    rows = (
        design_job_list(owner_id=owner_id)
        .filter(pk=pk)
        .prefetch_related(
            Prefetch("outputs", queryset=DesignOutput.objects.order_by("output_type")),
            Prefetch("decisions", queryset=DesignDecision.objects.order_by("created_at", "id")),
        )
    )
    job = only_row(rows)
    if job is None:
        raise DesignJobNotFound(design_job_id)
    return job
