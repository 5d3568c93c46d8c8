"""What every session-scoped API view shares: the caller and the visible session."""

from __future__ import annotations

from functools import cached_property

from rest_framework.exceptions import ValidationError

from sessions_app import selectors
from sessions_app.api.caller import Caller, caller_of
from sessions_app.api.permissions import IsPlatformCaller
from techspec_project.uuids import parse_uuid


class CallerMixin:
    """`self.caller`, the authenticated caller reduced to user id and role."""

    permission_classes = [IsPlatformCaller]

    @cached_property
    def caller(self) -> Caller:
        return caller_of(self.request)


class SessionScopedMixin(CallerMixin):
    """Views under /sessions/{session_pk}/: the session must be visible to the caller.

    Visibility is resolved before the role permissions run, so another user's
    session is a 404 whatever the method, never a 403 that would confirm it exists.
    """

    session_url_kwarg = "session_pk"

    @cached_property
    def session(self):
        session_id = parse_uuid(self.kwargs[self.session_url_kwarg], field="session_id")
        return selectors.session_get(session_id=session_id, owner_id=self.caller.owner_scope)

    def check_permissions(self, request):
        if self.caller.role != "none":
            self.session  # noqa: B018 - raises SessionNotFound (404) for an invisible session
        super().check_permissions(request)


def validated(serializer_class, data):
    serializer = serializer_class(data=data)
    if not serializer.is_valid():
        raise ValidationError(serializer.errors)
    return serializer.validated_data
