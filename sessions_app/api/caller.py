"""Who is calling, reduced to what authorization needs."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sessions_app.api.authentication import PlatformTokenUser
from sessions_app.roles import Role

if TYPE_CHECKING:
    from rest_framework.request import Request


@dataclass(frozen=True)
class Caller:
    """An authenticated caller: a platform user (by UUID) with a role."""

    user_id: uuid.UUID | None
    role: Role

    @property
    def is_staff(self) -> bool:
        return self.role == Role.STAFF

    @property
    def owner_scope(self) -> uuid.UUID | None:
        """The owner filter for selectors: None (every session) for staff, otherwise the
        caller's own id. Agent tokens act for one user too: the worker is issued a token
        carrying the session user's id and the agent role."""
        return None if self.is_staff else self.user_id


def caller_of(request: Request) -> Caller:
    user = request.user
    if isinstance(user, PlatformTokenUser):
        return Caller(user_id=user.user_uuid, role=Role(user.role))
    # A Django staff login (session authentication, the browsable API).
    if getattr(user, "is_staff", False):
        return Caller(user_id=None, role=Role.STAFF)
    return Caller(user_id=None, role=Role.NONE)
