"""The Design Agent's jobs under the sessions' visibility rule: design_bridge reads them, this
scopes them. Staff (owner_id None) see every job; a user sees the jobs whose user_id is theirs
(visible_to), and another user's job is DesignJobNotFound."""

from __future__ import annotations

from django.db.models import QuerySet

from design_bridge import services as design_bridge
from design_bridge.models import DesignJob
from sessions_app.errors import Id
from sessions_app.selectors._common import visible_to


def design_job_list(*, owner_id: Id | None = None) -> QuerySet[DesignJob]:
    """Jobs newest first, scoped to the owner."""
    return visible_to(design_bridge.design_job_list(), owner_id)


def design_job_detail(*, design_job_id: Id, owner_id: Id | None = None) -> DesignJob:
    """The job with `outputs` and `decisions` prefetched (three queries), if the owner may see it."""
    return design_bridge.design_job_detail(design_job_id=design_job_id, jobs=design_job_list(owner_id=owner_id))
