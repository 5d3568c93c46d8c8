"""Enumerations shared by models, services, the API and the admin.

The allowed transitions between these values are the session state machine,
documented in docs/DOMAIN.md and enforced by the services.
"""

from django.db import models


class SessionStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    IN_PROGRESS = "in_progress", "In progress"
    WAITING_USER = "waiting_user", "Waiting for user"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


# A user has at most one session in these statuses per design job.
ACTIVE_STATUSES = (SessionStatus.PENDING, SessionStatus.IN_PROGRESS, SessionStatus.WAITING_USER)


class SessionStage(models.TextChoices):
    INITIALIZATION = "initialization", "Initialization"
    ANALYSIS = "analysis", "Gap analysis"
    RESEARCH = "research", "Technology research"
    DECISIONS = "decisions", "User decisions"
    CODE_ANALYSIS = "code_analysis", "Code analysis"
    GENERATION = "generation", "TRD generation"
    VALIDATION = "validation", "Validation"
    COMPLETED = "completed", "Completed"


class MessageRole(models.TextChoices):
    USER = "user", "User"
    AGENT = "agent", "Agent"
    SYSTEM = "system", "System"


class MessageType(models.TextChoices):
    TEXT = "text", "Text"
    QUESTION = "question", "Question"
    OPTIONS = "options", "Options"
    DECISION = "decision", "Decision"
    PROGRESS = "progress", "Progress"
    ERROR = "error", "Error"
