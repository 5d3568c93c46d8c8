"""Browsable resources: sessions and their children, agent errors, Design Agent jobs.

Reads go through selectors (already scoped to the caller); agent writes call
the domain services and answer 409 when the state machine says no.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Model, QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from design_bridge.models import DesignJob
from sessions_app import selectors, services
from sessions_app.api import serializers as s
from sessions_app.api.filters import ErrorLogFilter, QueryStringFilterBackend, SessionFilter, SingleFieldOrderingFilter
from sessions_app.api.pagination import (
    ConversationCursorPagination,
    NewestFirstCursorPagination,
    ResearchCursorPagination,
    TRDVersionCursorPagination,
)
from sessions_app.api.permissions import AgentWritesOnly
from sessions_app.api.views.base import CallerMixin, SessionScopedMixin, validated
from sessions_app.models import AgentErrorLog, GeneratedTRDDocument, TechConversation, TechResearch, TechSpecSession
from techspec_project.uuids import parse_uuid

if TYPE_CHECKING:
    from collections.abc import Sequence

    from rest_framework.permissions import _SupportsHasPermission
    from rest_framework.request import Request
    from rest_framework.serializers import BaseSerializer, ModelSerializer, Serializer


class SessionViewSet(SessionScopedMixin, viewsets.ReadOnlyModelViewSet[TechSpecSession]):
    """Sessions visible to the caller, newest first; PATCH moves one through the state machine."""

    session_url_kwarg = "pk"

    filter_backends = [QueryStringFilterBackend, SingleFieldOrderingFilter]
    filterset_class = SessionFilter
    ordering_fields = ["created_at", "updated_at", "progress_percentage"]
    ordering = ["-created_at"]
    pagination_class = NewestFirstCursorPagination
    lookup_value_regex = "[^/]+"

    def get_queryset(self) -> QuerySet[TechSpecSession]:
        return selectors.session_list(owner_id=self.caller.owner_scope)

    def get_serializer_class(self) -> type[BaseSerializer[TechSpecSession]]:
        return s.SessionDetailOutput if self.action == "retrieve" else s.SessionOutput

    def get_permissions(self) -> Sequence[_SupportsHasPermission]:
        if self.action == "partial_update":
            return [*super().get_permissions(), AgentWritesOnly()]
        return super().get_permissions()

    def resolves_session(self) -> bool:
        # The list names no session, and a method the view lacks stays a 405 for whoever asks.
        return self.action in ("retrieve", "partial_update") and super().resolves_session()

    def get_object(self) -> TechSpecSession:
        return self.session

    @extend_schema(request=s.TransitionInput, responses=s.SessionDetailOutput)
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        """Agent write: advance status, stage and progress (see docs/DOMAIN.md)."""
        data = validated(s.TransitionInput, request.data)
        session = services.session_transition(
            session_id=self.session.id,
            status=data.get("status"),
            stage=data.get("current_stage"),
            progress=data.get("progress_percentage"),
        )
        return Response(s.SessionDetailOutput(session).data)


class SessionChildViewSet(SessionScopedMixin, mixins.ListModelMixin, viewsets.GenericViewSet[Any]):
    """A session's child collection: list for viewers, create for the agent."""

    permission_classes = [*SessionScopedMixin.permission_classes, AgentWritesOnly]
    serializer_class: type[ModelSerializer[Any]]
    input_serializer: type[Serializer[Any]]  # each collection names its own

    def get_queryset(self) -> QuerySet[Any]:
        # Schema generation has no session in the URL: describe the model without touching it.
        if getattr(self, "swagger_fake_view", False):
            model: type[Model] = self.serializer_class.Meta.model
            return model._default_manager.none()
        return self.session_queryset()

    def session_queryset(self) -> QuerySet[Any]:
        raise NotImplementedError

    def perform_write(self, data: dict[str, Any]) -> Model:
        raise NotImplementedError

    def create(self, request: Request, session_pk: str | None = None) -> Response:
        data = validated(self.input_serializer, request.data)
        row = self.perform_write(data)
        return Response(self.get_serializer(row).data, status=status.HTTP_201_CREATED)


@extend_schema_view(create=extend_schema(request=s.ResearchInput, responses={201: s.ResearchOutput}))
class ResearchViewSet(SessionChildViewSet):
    """Technology research of a session, oldest first."""

    serializer_class = s.ResearchOutput
    input_serializer = s.ResearchInput
    pagination_class = ResearchCursorPagination

    def session_queryset(self) -> QuerySet[TechResearch]:
        return selectors.research_list(session=self.session)

    def perform_write(self, data: dict[str, Any]) -> TechResearch:
        return services.research_record(
            session=self.session,
            technology_category=data["technology_category"],
            gap_description=data["gap_description"],
            options=data["researched_options"],
        )


@extend_schema_view(create=extend_schema(request=s.ConversationInput, responses={201: s.ConversationOutput}))
class ConversationViewSet(SessionChildViewSet):
    """The conversation, oldest first, in cursor pages like every other list."""

    serializer_class = s.ConversationOutput
    input_serializer = s.ConversationInput
    pagination_class = ConversationCursorPagination

    def session_queryset(self) -> QuerySet[TechConversation]:
        return selectors.conversation_list(session=self.session)

    def perform_write(self, data: dict[str, Any]) -> TechConversation:
        return services.conversation_append(
            session=self.session,
            role=data["role"],
            message=data["message"],
            message_type=data["message_type"],
            research_id=data.get("research_id"),
            metadata=data.get("metadata"),
        )


class TRDVersionViewSet(SessionChildViewSet):
    """TRD versions of a session (without their text), newest first; POST stores the next version."""

    serializer_class = s.TRDVersionOutput
    input_serializer = s.TRDInput
    pagination_class = TRDVersionCursorPagination

    def session_queryset(self) -> QuerySet[GeneratedTRDDocument]:
        return selectors.trd_versions(session=self.session)

    @extend_schema(request=s.TRDInput, responses={201: s.TRDOutput})
    def create(self, request: Request, session_pk: str | None = None) -> Response:
        data = validated(s.TRDInput, request.data)
        trd = services.trd_store(session_id=self.session.id, **data)
        return Response(s.TRDOutput(trd).data, status=status.HTTP_201_CREATED)


class SessionErrorViewSet(SessionChildViewSet):
    """A session's agent errors, newest first; the agent logs and recovers them."""

    serializer_class = s.ErrorLogOutput
    input_serializer = s.ErrorLogInput
    pagination_class = NewestFirstCursorPagination

    def session_queryset(self) -> QuerySet[AgentErrorLog]:
        return selectors.session_error_list(session=self.session)

    @extend_schema(request=s.ErrorLogInput, responses={201: s.ErrorLogOutput})
    def create(self, request: Request, session_pk: str | None = None) -> Response:
        return super().create(request, session_pk)

    def perform_write(self, data: dict[str, Any]) -> AgentErrorLog:
        return services.error_record(session=self.session, **data)

    @extend_schema(request=s.ErrorsRecoveredInput, responses=s.CountOutput)
    @action(detail=False, methods=["post"], url_path="recovered")
    def recovered(self, request: Request, session_pk: str | None = None) -> Response:
        """Mark errors of this session recovered (or reopen them with "recovered": false)."""
        data = validated(s.ErrorsRecoveredInput, request.data)
        changed = services.errors_set_recovered(
            error_ids=data["error_ids"], recovered=data["recovered"], session=self.session
        )
        return Response({"changed": changed})


class ErrorLogViewSet(CallerMixin, viewsets.ReadOnlyModelViewSet[AgentErrorLog]):
    """Agent errors across the caller's sessions, newest first, filterable for triage."""

    serializer_class = s.ErrorLogOutput
    filter_backends = [QueryStringFilterBackend]
    filterset_class = ErrorLogFilter
    pagination_class = NewestFirstCursorPagination
    lookup_value_regex = "[^/]+"

    def get_queryset(self) -> QuerySet[AgentErrorLog]:
        return selectors.error_log_list(owner_id=self.caller.owner_scope)

    def get_object(self) -> AgentErrorLog:
        error_id = parse_uuid(self.kwargs["pk"], field="error_id")
        return selectors.error_log_get(error_id=error_id, owner_id=self.caller.owner_scope)


class DesignJobViewSet(CallerMixin, viewsets.ReadOnlyModelViewSet[DesignJob]):
    """Design Agent jobs (read-only; the Design Agent owns them), with outputs and decisions."""

    pagination_class = NewestFirstCursorPagination
    lookup_value_regex = "[^/]+"

    def get_queryset(self) -> QuerySet[DesignJob]:
        return selectors.design_job_list(owner_id=self.caller.owner_scope)

    def get_serializer_class(self) -> type[BaseSerializer[DesignJob]]:
        return s.DesignJobDetailOutput if self.action == "retrieve" else s.DesignJobOutput

    def get_object(self) -> DesignJob:
        job_id = parse_uuid(self.kwargs["pk"], field="design_job_id")
        return selectors.design_job_detail(design_job_id=job_id, owner_id=self.caller.owner_scope)
