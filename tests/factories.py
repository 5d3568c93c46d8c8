"""factory-boy factories for all nine models, the Design Agent's unmanaged ones too.

The unmanaged factories insert into the real shared.* tables (created by the
bootstrap migration in the test database); nothing is switched to managed.
"""

from __future__ import annotations

import uuid

import factory
from django.utils import timezone

from design_bridge.models import (
    DesignDecision,
    DesignJob,
    DesignJobStatus,
    DesignOutput,
    DesignOutputType,
    DesignProgress,
)
from sessions_app.choices import MessageRole, MessageType, SessionStage, SessionStatus
from sessions_app.models import (
    AgentErrorLog,
    GeneratedTRDDocument,
    TechConversation,
    TechResearch,
    TechSpecSession,
)


class DesignJobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DesignJob
        skip_postgeneration_save = True

    id = factory.LazyFunction(uuid.uuid4)
    project_id = factory.LazyFunction(uuid.uuid4)
    # No owner by default: any user may start from it. Tests of ownership set user_id.
    user_id = None
    status = DesignJobStatus.COMPLETED
    created_at = factory.LazyFunction(timezone.now)
    updated_at = factory.LazyFunction(timezone.now)
    completed_at = factory.LazyAttribute(
        lambda job: job.updated_at if job.status == DesignJobStatus.COMPLETED else None
    )

    @factory.post_generation
    def with_outputs(job, create, extracted, **kwargs):
        """`DesignJobFactory(with_outputs=True)` adds the four required documents."""
        if create and extracted:
            for output_type in (
                DesignOutputType.PRD,
                DesignOutputType.DESIGN_SYSTEM,
                DesignOutputType.UX_FLOW,
                DesignOutputType.SCREEN_SPECS,
            ):
                DesignOutputFactory(job=job, output_type=output_type)


class DesignOutputFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DesignOutput

    id = factory.LazyFunction(uuid.uuid4)
    job = factory.SubFactory(DesignJobFactory)
    output_type = DesignOutputType.PRD
    content = factory.LazyAttribute(lambda o: f"# {o.output_type}\n\nDocument body.")
    file_path = None
    created_at = factory.LazyFunction(timezone.now)


class DesignDecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DesignDecision

    id = factory.LazyFunction(uuid.uuid4)
    job = factory.SubFactory(DesignJobFactory)
    decision_type = "color_palette"
    decision_value = factory.Sequence(lambda n: f"value {n}")
    reasoning = "Matches the brand."
    created_at = factory.LazyFunction(timezone.now)


class DesignProgressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DesignProgress

    id = factory.LazyFunction(uuid.uuid4)
    job = factory.SubFactory(DesignJobFactory)
    stage = "screen_specs"
    progress_percentage = 50
    message = "Halfway."
    created_at = factory.LazyFunction(timezone.now)


class TechSpecSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TechSpecSession

    design_job = factory.SubFactory(DesignJobFactory)
    project_id = factory.SelfAttribute("design_job.project_id")
    user_id = factory.LazyFunction(uuid.uuid4)
    status = SessionStatus.PENDING
    current_stage = SessionStage.INITIALIZATION
    progress_percentage = 0
    session_data = factory.LazyFunction(dict)
    websocket_url = factory.LazyAttribute(lambda s: f"/ws/tech-spec/{s.project_id}")

    class Params:
        completed = factory.Trait(
            status=SessionStatus.COMPLETED,
            current_stage=SessionStage.COMPLETED,
            progress_percentage=100,
            completed_at=factory.LazyFunction(timezone.now),
        )


class TechResearchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TechResearch

    session = factory.SubFactory(TechSpecSessionFactory)
    technology_category = "database"
    gap_description = "The PRD needs durable relational storage."
    researched_options = factory.LazyFunction(
        lambda: [{"name": "PostgreSQL", "pros": ["JSONB"]}, {"name": "MySQL", "pros": ["ubiquity"]}]
    )

    class Params:
        decided = factory.Trait(
            selected_technology="PostgreSQL",
            selection_reasoning="JSONB and constraints.",
            decision_timestamp=factory.LazyFunction(timezone.now),
        )


class TechConversationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TechConversation

    session = factory.SubFactory(TechSpecSessionFactory)
    role = MessageRole.AGENT
    message = factory.Sequence(lambda n: f"Message {n}")
    message_type = MessageType.TEXT


class GeneratedTRDDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GeneratedTRDDocument

    session = factory.SubFactory(TechSpecSessionFactory)
    trd_content = "# Technical Requirements\n\n## Architecture\n"
    quality_score = 87
    version = factory.Sequence(lambda n: n + 1)


class AgentErrorLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgentErrorLog

    session = factory.SubFactory(TechSpecSessionFactory)
    node = "research_technologies"
    error_type = "TimeoutError"
    message = "Search provider timed out."
    retry_count = 1
    recovery_strategy = "retry_with_backoff"
