"""Visibility rule shared by every selector: staff (owner_id None) see all, others their own."""

from __future__ import annotations

from django.db.models import QuerySet

from sessions_app.errors import Id
from sessions_app.models import TechSpecSession
from techspec_project.uuids import lenient_uuid


def visible_to(rows: QuerySet, owner_id: Id | None = None) -> QuerySet:
    """The rule on any rows with the owner's user_id (sessions, the status view, design jobs): staff
    (owner_id None) see all, others their own; a malformed owner id sees nothing."""
    if owner_id is None:
        return rows
    owner = lenient_uuid(owner_id)
    return rows.none() if owner is None else rows.filter(user_id=owner)


def only_row(rows: QuerySet):
    """The one row of a query filtered by a unique key, or None.

    Not first(): it orders (by pk, or by the list's own ordering) and the statement
    carries an ORDER BY that a one-row result does not need.
    """
    return next(iter(rows.order_by()[:1]), None)


def visible_sessions(owner_id: Id | None = None) -> QuerySet[TechSpecSession]:
    """Sessions the caller may see; a malformed owner id sees nothing."""
    return visible_to(TechSpecSession.objects.all(), owner_id)

