"""Technology gaps the agent researched, and the decisions users took on them."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from sessions_app.db_expressions import jsonb_is, option_named
from sessions_app.models.fields import created_at_field, uuid_pk
from sessions_app.models.sessions import TechSpecSession


class TechResearch(models.Model):
    """A technology gap the agent researched, with the options and the user's decision."""

    id = uuid_pk()
    # The (session, technology_category) index leads with session_id, so no separate FK index.
    session = models.ForeignKey(
        TechSpecSession, on_delete=models.CASCADE, related_name="research", db_index=False
    )
    technology_category = models.CharField(max_length=100)
    gap_description = models.TextField()
    researched_options = models.JSONField(
        default=list, help_text='A JSON list of option objects, each with a "name".'
    )
    selected_technology = models.CharField(max_length=200, blank=True, default="")
    is_custom_selection = models.BooleanField(
        default=False, help_text="The user chose a technology outside the researched options."
    )
    selection_reasoning = models.TextField(blank=True, default="")
    decision_timestamp = models.DateTimeField(null=True, blank=True)
    created_at = created_at_field()

    class Meta:
        db_table = "tech_research"
        ordering = ["created_at", "id"]
        verbose_name_plural = "tech research"
        constraints = [
            models.CheckConstraint(condition=~Q(technology_category=""), name="research_category_not_blank"),
            models.CheckConstraint(
                condition=jsonb_is("researched_options", "array"), name="research_options_is_array"
            ),
            # A decision is a technology and a timestamp together, or neither.
            models.CheckConstraint(
                condition=Q(selected_technology="", decision_timestamp__isnull=True)
                | (~Q(selected_technology="") & Q(decision_timestamp__isnull=False)),
                name="research_decision_complete",
            ),
            # The chosen technology is one of the researched options unless marked custom.
            models.CheckConstraint(
                condition=Q(selected_technology="")
                | Q(is_custom_selection=True)
                | Q(researched_options__contains=option_named("selected_technology")),
                name="research_selection_in_options",
            ),
        ]
        indexes = [
            models.Index(fields=["session", "technology_category"], name="research_session_category_idx"),
            # The admin's list of all research, newest first, at millions of rows.
            models.Index(fields=["-created_at", "-id"], name="research_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.technology_category}: {self.selected_technology or 'undecided'}"

    @property
    def is_decided(self) -> bool:
        return bool(self.selected_technology)
