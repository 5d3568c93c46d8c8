"""Who a caller is to the API and the events socket: one name per role, used wherever a role is compared.

A platform token's `role` claim is one of TOKEN_ROLES; a staff login (admin session)
is STAFF; a request with neither is NONE. Values are the strings tokens carry and
throttle keys start with, so a Role compares equal to its claim.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """A caller's role."""

    USER = "user"  # a platform user: their own sessions
    AGENT = "agent"  # the agent's workers, acting for one user: may write a session's progress
    STAFF = "staff"  # every session
    NONE = "none"  # not authenticated as any of the above


TOKEN_ROLES: tuple[Role, ...] = (Role.USER, Role.AGENT, Role.STAFF)
