"""Input and output serializers. Inputs parse and bound; outputs render (fields built once
per class, see output_fields.py). No rules here."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from design_bridge.models import DesignDecision, DesignJob, DesignJobStatus, DesignOutput
from sessions_app.api.fields import (
    CanonicalUUIDField,
    JSONObjectField,
    JSONObjectOutput,
    ResearchOptionField,
    ResearchOptionsOutput,
    ScoreField,
    StrictBooleanField,
    StrictIntegerField,
    TextField,
)
from sessions_app.api.output_fields import FieldsBuiltOnce
from sessions_app.choices import MessageRole, MessageType, SessionStage, SessionStatus
from sessions_app.models import (
    AgentErrorLog,
    GeneratedTRDDocument,
    SessionStatusRow,
    TechConversation,
    TechResearch,
    TechSpecSession,
)
from techspec_project import pg_values

LONG_TEXT = 200_000  # a TRD section; the request body limit caps the total anyway


# --- sessions -----------------------------------------------------------------


class SessionOutput(FieldsBuiltOnce, serializers.ModelSerializer[TechSpecSession]):
    design_job_id = serializers.UUIDField(read_only=True)

    class Meta:
        model = TechSpecSession
        fields = [
            "id", "project_id", "design_job_id", "user_id", "status", "current_stage",
            "progress_percentage", "websocket_url", "created_at", "updated_at", "completed_at",
        ]
        read_only_fields = fields


class SessionDetailOutput(SessionOutput):
    session_data = JSONObjectOutput(read_only=True)

    class Meta(SessionOutput.Meta):
        fields = [*SessionOutput.Meta.fields, "session_data"]
        read_only_fields = fields


class StartTechSpecInput(serializers.Serializer[Any]):
    design_job_id = CanonicalUUIDField()


class StartTechSpecOutput(FieldsBuiltOnce, serializers.Serializer[Any]):
    session_id = serializers.UUIDField(source="session.id")
    status = serializers.ChoiceField(source="session.status", choices=SessionStatus.choices)
    current_stage = serializers.ChoiceField(source="session.current_stage", choices=SessionStage.choices)
    websocket_url = serializers.CharField(source="session.websocket_url")
    created = serializers.BooleanField()


class ErrorBriefOutput(FieldsBuiltOnce, serializers.Serializer[Any]):
    id = serializers.UUIDField()
    node = serializers.CharField()
    error_type = serializers.CharField()
    message = serializers.CharField()
    created_at = serializers.DateTimeField()


class StatusSummaryOutput(FieldsBuiltOnce, serializers.ModelSerializer[SessionStatusRow]):
    """Renders the session_status_summary selector's result; the column types are the status view's."""

    session_id = serializers.UUIDField(source="id")
    latest_unrecovered_error = ErrorBriefOutput(allow_null=True)

    class Meta:
        model = SessionStatusRow
        fields = [
            "session_id", "status", "current_stage", "progress_percentage", "created_at", "updated_at",
            "completed_at", "research_total", "research_awaiting_decision", "latest_trd_version",
            "latest_trd_quality_score", "latest_unrecovered_error",
        ]
        read_only_fields = fields


class TransitionInput(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=SessionStatus.choices, required=False)
    current_stage = serializers.ChoiceField(choices=SessionStage.choices, required=False)
    progress_percentage = StrictIntegerField(min_value=0, max_value=100, required=False)

    min_properties = 1  # documented in the schema (ApiAutoSchema); validate() says it to the caller

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs:
            raise serializers.ValidationError("Give at least one of status, current_stage, progress_percentage.")
        return attrs


# --- research and decisions -----------------------------------------------------


class ResearchOutput(FieldsBuiltOnce, serializers.ModelSerializer[TechResearch]):
    session_id = serializers.UUIDField(read_only=True)
    researched_options = ResearchOptionsOutput(read_only=True)

    class Meta:
        model = TechResearch
        fields = [
            "id", "session_id", "technology_category", "gap_description", "researched_options",
            "selected_technology", "is_custom_selection", "selection_reasoning", "decision_timestamp",
            "created_at",
        ]
        read_only_fields = fields


class ResearchInput(serializers.Serializer[Any]):
    technology_category = TextField(max_length=100)
    gap_description = TextField(max_length=20_000)
    researched_options = serializers.ListField(
        child=ResearchOptionField(), min_length=1, max_length=20,
        help_text='Option objects, each with a unique "name".',
    )


class DecisionInput(serializers.Serializer[Any]):
    research_id = CanonicalUUIDField()
    selected_technology = TextField(max_length=200)
    reasoning = TextField(max_length=20_000, allow_blank=True, default="")
    custom = StrictBooleanField(
        default=False, help_text="True when the technology is not one of the researched options."
    )


class DecisionsInput(serializers.Serializer[Any]):
    # many=True makes a ListSerializer, which takes min_length/max_length; the stubs' __init__ does not list them.
    decisions = DecisionInput(many=True, min_length=1, max_length=50)  # type: ignore[call-arg]


# --- conversation -----------------------------------------------------------------


class ConversationOutput(FieldsBuiltOnce, serializers.ModelSerializer[TechConversation]):
    research_id = serializers.UUIDField(read_only=True, allow_null=True)
    metadata = JSONObjectOutput(read_only=True)

    class Meta:
        model = TechConversation
        fields = ["id", "research_id", "role", "message", "message_type", "metadata", "timestamp"]
        read_only_fields = fields


class ConversationInput(serializers.Serializer[Any]):
    role = serializers.ChoiceField(choices=MessageRole.choices)
    message = TextField(max_length=50_000)
    message_type = serializers.ChoiceField(choices=MessageType.choices, default=MessageType.TEXT)
    research_id = CanonicalUUIDField(required=False, allow_null=True)
    metadata = JSONObjectField(required=False, default=dict)


# --- TRD documents ----------------------------------------------------------------


class TRDOutput(FieldsBuiltOnce, serializers.ModelSerializer[GeneratedTRDDocument]):
    session_id = serializers.UUIDField(read_only=True)
    validation_report = JSONObjectOutput(read_only=True)

    class Meta:
        model = GeneratedTRDDocument
        fields = [
            "id", "session_id", "version", "trd_content", "api_specification", "database_schema",
            "architecture_diagram", "tech_stack_document", "quality_score", "validation_report", "created_at",
        ]
        read_only_fields = fields


class TRDVersionOutput(FieldsBuiltOnce, serializers.ModelSerializer[GeneratedTRDDocument]):
    class Meta:
        model = GeneratedTRDDocument
        fields = ["id", "version", "quality_score", "created_at"]
        read_only_fields = fields


class TRDInput(serializers.Serializer[Any]):
    trd_content = TextField(max_length=LONG_TEXT)
    api_specification = TextField(max_length=LONG_TEXT, allow_blank=True, default="")
    database_schema = TextField(max_length=LONG_TEXT, allow_blank=True, default="")
    architecture_diagram = TextField(max_length=LONG_TEXT, allow_blank=True, default="")
    tech_stack_document = TextField(max_length=LONG_TEXT, allow_blank=True, default="")
    quality_score = ScoreField(required=False, allow_null=True)
    validation_report = JSONObjectField(required=False, default=dict)


class TRDCompareInput(serializers.Serializer[Any]):
    """?from=N&to=M: two version numbers of the session's TRD."""

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        # `from` is a Python keyword, so the fields cannot be class attributes.
        return {
            "from": serializers.IntegerField(min_value=1, max_value=pg_values.INT4[1]),
            "to": serializers.IntegerField(min_value=1, max_value=pg_values.INT4[1]),
        }


class TRDSectionDiffOutput(FieldsBuiltOnce, serializers.Serializer[Any]):
    section = serializers.CharField(source="field", help_text="The TRD field compared.")
    title = serializers.CharField()
    changed = serializers.BooleanField()
    added = serializers.IntegerField(help_text="Lines only in `to`.")
    removed = serializers.IntegerField(help_text="Lines only in `from`.")
    diff = serializers.CharField(
        source="unified", help_text="A unified diff (3 lines of context); empty when unchanged."
    )


class TRDCompareOutput(FieldsBuiltOnce, serializers.Serializer[Any]):
    """Two TRD versions of one session and a unified diff per section."""


# `from` is a Python keyword, so the fields are declared by name rather than as class attributes.
TRDCompareOutput._declared_fields = {
    "session_id": serializers.UUIDField(),
    "from": TRDVersionOutput(source="old"),
    "to": TRDVersionOutput(source="new"),
    "changed": serializers.BooleanField(),
    "sections": TRDSectionDiffOutput(many=True),
}


# --- agent errors -------------------------------------------------------------------


class ErrorLogOutput(FieldsBuiltOnce, serializers.ModelSerializer[AgentErrorLog]):
    session_id = serializers.UUIDField(read_only=True)

    class Meta:
        model = AgentErrorLog
        fields = [
            "id", "session_id", "node", "error_type", "message", "stack_trace", "retry_count",
            "recovered", "recovery_strategy", "created_at",
        ]
        read_only_fields = fields


class ErrorLogInput(serializers.Serializer[Any]):
    node = TextField(max_length=100)
    error_type = TextField(max_length=100)
    message = TextField(max_length=20_000)
    stack_trace = TextField(max_length=LONG_TEXT, allow_blank=True, default="")
    retry_count = StrictIntegerField(min_value=0, max_value=1_000_000, default=0)
    recovery_strategy = TextField(max_length=100, allow_blank=True, default="")


class ErrorsRecoveredInput(serializers.Serializer[Any]):
    error_ids = serializers.ListField(child=CanonicalUUIDField(), min_length=1, max_length=500)
    recovered = StrictBooleanField(default=True)


class CountOutput(FieldsBuiltOnce, serializers.Serializer[Any]):
    changed = serializers.IntegerField()


# --- Design Agent (read-only) ---------------------------------------------------------


class DesignOutputOutput(FieldsBuiltOnce, serializers.ModelSerializer[DesignOutput]):
    class Meta:
        model = DesignOutput
        fields = ["id", "output_type", "content", "file_path", "created_at"]
        read_only_fields = fields


class DesignDecisionOutput(FieldsBuiltOnce, serializers.ModelSerializer[DesignDecision]):
    class Meta:
        model = DesignDecision
        fields = ["id", "decision_type", "decision_value", "reasoning", "created_at"]
        read_only_fields = fields


class DesignJobOutput(FieldsBuiltOnce, serializers.ModelSerializer[DesignJob]):
    # The Design Agent owns these values: a new one there is a new member of this enum here.
    status = serializers.ChoiceField(choices=DesignJobStatus.choices, read_only=True)

    class Meta:
        model = DesignJob
        fields = ["id", "project_id", "user_id", "status", "created_at", "updated_at", "completed_at"]
        read_only_fields = fields


class DesignJobDetailOutput(DesignJobOutput):
    outputs = DesignOutputOutput(many=True, read_only=True)
    decisions = DesignDecisionOutput(many=True, read_only=True)

    class Meta(DesignJobOutput.Meta):
        fields = [*DesignJobOutput.Meta.fields, "outputs", "decisions"]
        read_only_fields = fields
