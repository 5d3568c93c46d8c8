"""What every session-scoped API view shares: the caller and the visible session."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from sessions_app import selectors
from sessions_app.api.caller import Caller, caller_of
from sessions_app.api.permissions import IsPlatformCaller
from sessions_app.models import TechSpecSession
from sessions_app.roles import Role
from techspec_project.uuids import parse_uuid

if TYPE_CHECKING:
    from rest_framework.request import Request
    from rest_framework.views import APIView

    # What the mixins are put in front of, so that self.request, self.kwargs and super() have types.
    _ViewBase = APIView
else:
    _ViewBase = object


class CallerMixin(_ViewBase):
    """`self.caller`, the authenticated caller reduced to user id and role."""

    permission_classes = [IsPlatformCaller]

    @cached_property
    def caller(self) -> Caller:
        return caller_of(self.request)


class SessionScopedMixin(CallerMixin):
    """Views of one session (/sessions/{pk}/ and what is under it): the session must be visible to the caller.

    Visibility is resolved once, here, before the role permissions run, so another user's
    session is a 404 whatever the method, never a 403 that would confirm it exists. The
    selectors and services below take the resolved session and do not look again.
    """

    session_url_kwarg = "session_pk"

    @cached_property
    def session(self) -> TechSpecSession:
        session_id = parse_uuid(self.kwargs[self.session_url_kwarg], field="session_id")
        return selectors.session_get(session_id=session_id, owner_id=self.caller.owner_scope)

    def resolves_session(self) -> bool:
        """Whether this request names a session to resolve before the role permissions run."""
        return self.caller.role != Role.NONE

    def check_permissions(self, request: Request) -> None:
        if self.resolves_session():
            # DRF checks throttles after permissions; here the permission step reads the database,
            # so the request is counted first: probing ids (unknown or another user's) pays the rate.
            self.check_throttles(request)
            self.session  # noqa: B018 - raises SessionNotFound (404) for an invisible session
        super().check_permissions(request)

    def check_throttles(self, request: Request) -> None:
        # Called again by DRF's initial() after check_permissions: a request is counted once.
        if getattr(self, "_throttles_checked", False):
            return
        self._throttles_checked = True
        super().check_throttles(request)


def validated(serializer_class: type[serializers.Serializer[Any]], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    if not serializer.is_valid():
        raise ValidationError(serializer.errors)
    validated_data: dict[str, Any] = serializer.validated_data
    return validated_data
