"""Reads of the Design Agent's jobs scoped to a caller: staff see all, users their own jobs."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from design_bridge.errors import DesignJobNotFound
from design_bridge.models import DesignJob


def design_job_list(*, owner_id: uuid.UUID | None = None) -> QuerySet[DesignJob]:
    jobs = DesignJob.objects.order_by("-created_at", "-id")
    return jobs if owner_id is None else jobs.filter(user_id=owner_id)


def design_job_detail(*, design_job_id: uuid.UUID, owner_id: uuid.UUID | None = None) -> DesignJob:
    """The job with outputs and decisions prefetched; another user's job is not found."""
    from sessions_app.selectors import design_job_detail as detail

    job = detail(design_job_id=design_job_id)
    if owner_id is not None and job.user_id != owner_id:
        raise DesignJobNotFound(design_job_id)
    return job
