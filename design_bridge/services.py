"""Every read of the Design Agent's work (shared.* tables): loaders for the session
services, and the job list and detail the API shows. Nothing here writes.

Each runs a fixed number of queries (at most three) whatever the number of
outputs or decisions, so callers can use them inside a request or a loop over
a page of jobs without surprises. Who may see a job is the caller's rule
(sessions_app.selectors.design_jobs narrows `jobs` by it): design_bridge does
not import sessions_app.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Case, Count, F, OuterRef, Prefetch, QuerySet, Subquery, When
from django.db.models.functions import Coalesce, Length

from design_bridge.errors import DesignJobNotCompleted, DesignJobNotFound, DesignOutputsMissing, Id
from design_bridge.models import (
    REQUIRED_OUTPUT_TYPES,
    DesignDecision,
    DesignJob,
    DesignJobStatus,
    DesignOutput,
    DesignOutputType,
)
from techspec_project.uuids import lenient_uuid


@dataclass(frozen=True)
class DesignAgentOutputs:
    """The four required documents of a design job, and the path of its AI Studio code if any."""

    job: DesignJob
    prd: str
    design_system: str
    ux_flow: str
    screen_specs: str
    ai_studio_code_path: str | None


@dataclass(frozen=True)
class DesignDecisionData:
    """One decision the Design Agent took, as the Tech Spec Agent reads it."""

    id: uuid.UUID
    decision_type: str
    decision_value: str
    reasoning: str
    created_at: datetime


@dataclass(frozen=True)
class DesignJobManifest:
    """What a job holds, without its documents: output sizes (characters) and decision count."""

    job: DesignJob
    output_sizes: dict[str, int]
    ai_studio_code_path: str | None
    decision_count: int

    @property
    def missing_outputs(self) -> list[str]:
        return sorted(str(t) for t in REQUIRED_OUTPUT_TYPES if t not in self.output_sizes)


def _job_uuid(design_job_id) -> uuid.UUID:
    # A malformed id names no job: report it as missing rather than as a crash.
    parsed = lenient_uuid(design_job_id)
    if parsed is None:
        raise DesignJobNotFound(design_job_id)
    return parsed


def _get_job(design_job_id, queryset=None) -> DesignJob:
    job_id = _job_uuid(design_job_id)
    try:
        return (queryset if queryset is not None else DesignJob.objects).get(pk=job_id)
    except DesignJob.DoesNotExist:
        raise DesignJobNotFound(design_job_id) from None


def ensure_completed(job: DesignJob) -> None:
    """Raise DesignJobNotCompleted unless the Design Agent has finished `job`."""
    if job.status != DesignJobStatus.COMPLETED:
        raise DesignJobNotCompleted(job.pk, job.status)


def validate_design_job_completed(design_job_id: Id) -> DesignJob:
    """Return the job if it exists and is completed (one query)."""
    job = _get_job(design_job_id)
    ensure_completed(job)
    return job


def load_design_agent_outputs(design_job_id: Id) -> DesignAgentOutputs:
    """Load the job's required documents (two queries); raise if the job or any document is missing."""
    job = _get_job(design_job_id)
    # The AI Studio code is a file on disk: only its path is read, never its content column.
    body = Case(When(output_type=DesignOutputType.AI_STUDIO_CODE, then=F("file_path")), default=F("content"))
    wanted = [*REQUIRED_OUTPUT_TYPES, DesignOutputType.AI_STUDIO_CODE]
    rows = dict(
        DesignOutput.objects.filter(job_id=job.pk, output_type__in=wanted).order_by().values_list("output_type", body)
    )
    missing = [t for t in REQUIRED_OUTPUT_TYPES if t not in rows]
    if missing:
        raise DesignOutputsMissing(job.pk, missing)
    return DesignAgentOutputs(
        job=job,
        prd=rows[DesignOutputType.PRD],
        design_system=rows[DesignOutputType.DESIGN_SYSTEM],
        ux_flow=rows[DesignOutputType.UX_FLOW],
        screen_specs=rows[DesignOutputType.SCREEN_SPECS],
        ai_studio_code_path=rows.get(DesignOutputType.AI_STUDIO_CODE),
    )


def load_design_decisions(design_job_id: Id) -> list[DesignDecisionData]:
    """The job's decisions, oldest first (two queries: the job, then its decisions)."""
    job = _get_job(design_job_id)
    rows = (
        DesignDecision.objects.filter(job_id=job.pk)
        .order_by("created_at", "id")
        .values_list("id", "decision_type", "decision_value", "reasoning", "created_at")
    )
    return [DesignDecisionData(*row) for row in rows]


def load_design_job_manifest(design_job_id: Id) -> DesignJobManifest:
    """The job with its decision count (one query) and its outputs' sizes (one query), no documents."""
    decision_count = (
        DesignDecision.objects.filter(job_id=OuterRef("pk")).order_by().values("job_id").annotate(n=Count("*"))
    )
    job = _get_job(
        design_job_id,
        DesignJob.objects.annotate(decision_count=Coalesce(Subquery(decision_count.values("n")), 0)),
    )
    outputs = DesignOutput.objects.filter(job_id=job.pk).values_list(
        "output_type", Length(F("content")), "file_path"
    )
    sizes, code_path = {}, None
    for output_type, size, file_path in outputs:
        sizes[output_type] = size or 0
        if output_type == DesignOutputType.AI_STUDIO_CODE:
            code_path = file_path
    return DesignJobManifest(
        job=job, output_sizes=sizes, ai_studio_code_path=code_path, decision_count=job.decision_count
    )


def design_job_list() -> QuerySet[DesignJob]:
    """Jobs newest first."""
    return DesignJob.objects.order_by("-created_at", "-id")


def design_job_detail(*, design_job_id: Id, jobs: QuerySet[DesignJob] | None = None) -> DesignJob:
    """The job with `outputs` (by type) and `decisions` (oldest first) prefetched: three queries.

    `jobs` is where to look (a caller's visible jobs); a job outside it is DesignJobNotFound.
    """
    jobs = (jobs if jobs is not None else DesignJob.objects.all()).prefetch_related(
        Prefetch("outputs", queryset=DesignOutput.objects.order_by("output_type")),
        Prefetch("decisions", queryset=DesignDecision.objects.order_by("created_at", "id")),
    )
    return _get_job(design_job_id, jobs)
