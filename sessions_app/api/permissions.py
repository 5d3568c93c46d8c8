"""Who may do what. Visibility (another user's session is a 404) is applied by
the selectors' owner scope; these classes decide what a visible caller may do."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from sessions_app.api.caller import caller_of
from sessions_app.roles import TOKEN_ROLES, Role


def _not_routed(request, view) -> bool:
    return not hasattr(view, request.method.lower())


class IsPlatformCaller(BasePermission):
    """A valid token, or a logged-in staff member (browsable API)."""

    def has_permission(self, request, view):
        return caller_of(request).role in TOKEN_ROLES


class AgentWritesOnly(BasePermission):
    """Reads for every caller who can see the session; writes for the agent role and staff."""

    message = "Only the agent's workers (role agent) and staff may change this."

    def has_permission(self, request, view):
        if _not_routed(request, view):
            return True  # the view answers 405 for a method it does not have, whoever asks
        return request.method in SAFE_METHODS or caller_of(request).role in (Role.AGENT, Role.STAFF)


class OwnerOrStaffWrites(BasePermission):
    """Decisions belong to the session's user: the owner and staff may record them."""

    message = "Only the session's user and staff may record decisions."

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS or caller_of(request).role in (Role.USER, Role.STAFF)
