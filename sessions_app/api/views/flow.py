"""The Tech Spec flow: start, status, decisions, TRD. Parse, call the domain, render."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from sessions_app import selectors, services
from sessions_app.api import serializers as s
from sessions_app.api.permissions import OwnerOrStaffWrites
from sessions_app.api.renderers import FormatNotOffered, MarkdownRenderer, TRDHTMLRenderer
from sessions_app.api.views.base import CallerMixin, SessionScopedMixin, validated
from sessions_app.trd.assets import export_policy
from sessions_app.trd.document import trd_document
from sessions_app.trd.export import trd_html_file
from sessions_app.trd.markdown import trd_filename
from techspec_project import pg_values
from techspec_project.errors import InvalidInput
from techspec_project.uuids import parse_uuid

# ?version=N: a TRD version number, stored in a PostgreSQL integer column.
VERSION_SCHEMA = {"type": "integer", "minimum": 1, "maximum": pg_values.INT4[1]}


class StartTechSpecView(CallerMixin, APIView):
    """Start a Tech Spec session for a project from a completed Design Agent job."""

    @extend_schema(
        request=s.StartTechSpecInput,
        responses={201: s.StartTechSpecOutput, 200: s.StartTechSpecOutput},
        description="201 with a new session; 200 with the caller's already active session for this job.",
    )
    def post(self, request, project_id):
        project = parse_uuid(project_id, field="project_id")
        data = validated(s.StartTechSpecInput, request.data)
        if self.caller.user_id is None:
            raise InvalidInput("A session belongs to a platform user: call with a user's bearer token.")
        result = services.session_start(
            project_id=project, design_job_id=data["design_job_id"], user_id=self.caller.user_id
        )
        code = status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
        return Response(s.StartTechSpecOutput(result).data, status=code)


class SessionStatusView(CallerMixin, APIView):
    """Status, stage, progress, research counts, latest TRD and latest unrecovered error."""

    # Not SessionScopedMixin (the docstring above is the API's description, this is not):
    # every platform role may read the status of a session it can see, and the summary's own
    # query applies the visibility rule (404 otherwise), so the API's most frequent request
    # costs one query rather than two.

    @extend_schema(responses=s.StatusSummaryOutput)
    def get(self, request, session_pk):
        session_id = parse_uuid(session_pk, field="session_id")
        summary = selectors.session_status_summary(session_id=session_id, owner_id=self.caller.owner_scope)
        return Response(s.StatusSummaryOutput(summary).data)


class DecisionsView(SessionScopedMixin, APIView):
    """Record the user's decisions on researched gaps, all or nothing."""

    permission_classes = [*SessionScopedMixin.permission_classes, OwnerOrStaffWrites]

    @extend_schema(request=s.DecisionsInput, responses={201: s.ResearchOutput(many=True)})
    def post(self, request, session_pk):
        data = validated(s.DecisionsInput, request.data)
        decisions = [
            services.DecisionInput(
                research_id=d["research_id"],
                technology=d["selected_technology"],
                reasoning=d["reasoning"],
                custom=d["custom"],
            )
            for d in data["decisions"]
        ]
        research = services.decisions_record(session=self.session, decisions=decisions)
        return Response(s.ResearchOutput(research, many=True).data, status=status.HTTP_201_CREATED)


class TRDView(SessionScopedMixin, APIView):
    """The latest TRD (or `?version=N`): JSON, a Markdown download (`?format=md`) or one
    self-contained HTML file (`?format=html`); any other format is 406."""

    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, MarkdownRenderer, TRDHTMLRenderer]
    content_negotiation_class = FormatNotOffered

    @extend_schema(
        parameters=[
            OpenApiParameter("version", VERSION_SCHEMA, required=False),
            OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "md", "html"], required=False),
        ],
        responses={
            (200, "application/json"): s.TRDOutput,
            (200, "text/markdown"): OpenApiTypes.STR,
            (200, "text/html"): OpenApiTypes.STR,
        },
    )
    def get(self, request, session_pk):
        version = self._version()
        trd = selectors.trd_get(session=self.session, version=version)
        export = request.accepted_renderer.format
        if export == MarkdownRenderer.format:
            response = Response(trd_document(trd).markdown)
        elif export == TRDHTMLRenderer.format:
            response = Response(trd_html_file(trd))
            # The file carries its own policy for when it is opened from disk; this one holds
            # if a browser shows the download itself.
            response["Content-Security-Policy"] = export_policy(True)
        else:
            return Response(s.TRDOutput(trd).data)
        response["Content-Disposition"] = f'attachment; filename="{trd_filename(trd, export)}"'
        return response

    def _version(self) -> int | None:
        raw = self.request.query_params.get("version")
        if raw is None:
            return None
        # isascii: str.isdigit() is also true for "²", which int() refuses; the length bound
        # keeps int() below its 4300-digit limit, and the column is a PostgreSQL integer.
        if not (raw.isascii() and raw.isdigit() and len(raw) <= 10 and 1 <= int(raw) <= pg_values.INT4[1]):
            raise InvalidInput(
                f"version must be a whole number from 1 to {pg_values.INT4[1]}.", details={"version": raw[:20]}
            )
        return int(raw)


class MarkdownOnly(DefaultContentNegotiation):
    """Markdown whatever the Accept header says (a client's default "application/json" would be a 406)."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class TRDMarkdownView(TRDView):
    """The latest TRD (or `?version=N`) as a Markdown download: what `/trd?format=md` answers.

    Its own operation, because a generated client reads one content type per response:
    this one is text/markdown only (errors stay JSON).
    """

    renderer_classes = [MarkdownRenderer]
    content_negotiation_class = MarkdownOnly

    @extend_schema(
        parameters=[OpenApiParameter("version", VERSION_SCHEMA, required=False)],
        responses={(200, "text/markdown"): OpenApiTypes.STR},
    )
    def get(self, request, session_pk):
        return super().get(request, session_pk)


class TRDCompareView(SessionScopedMixin, APIView):
    """What changed from one TRD version to another (`?from=N&to=M`): a unified diff per section.

    The same version twice is 400; a version the session lacks is 404.
    """

    @extend_schema(
        parameters=[
            OpenApiParameter("from", {"type": "integer", "minimum": 1}, required=True,
                             description="The version to compare from."),
            OpenApiParameter("to", {"type": "integer", "minimum": 1}, required=True,
                             description="The version to compare to."),
        ],
        responses=s.TRDCompareOutput,
    )
    def get(self, request, session_pk):
        data = validated(s.TRDCompareInput, request.query_params)
        comparison = selectors.trd_compare(session=self.session, from_version=data["from"], to_version=data["to"])
        return Response(s.TRDCompareOutput(comparison).data)
