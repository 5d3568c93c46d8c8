"""Research items and the user's decisions on them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from sessions_app.choices import MessageRole, MessageType
from sessions_app.errors import (
    DecisionAlreadyRecorded,
    Id,
    InvalidValue,
    ResearchNotFound,
    TechnologyNotInOptions,
    as_uuid,
)
from sessions_app.models import TechResearch, TechSpecSession
from sessions_app.services._common import optional_text, required_text
from sessions_app.services.conversations import add_message


@dataclass(frozen=True)
class DecisionInput:
    """One decision of a batch (decisions_record)."""

    research_id: Id
    technology: str
    reasoning: str
    custom: bool = False


def _checked_options(options) -> list[dict]:
    if not isinstance(options, list) or not options:
        raise InvalidValue("options", "options must be a non-empty list of objects, each with a name.")
    names = []
    for index, option in enumerate(options):
        name = option.get("name") if isinstance(option, dict) else None
        if not isinstance(name, str) or not name.strip():
            raise InvalidValue("options", f"Option {index} needs a non-empty string 'name'.", index=index)
        names.append(name)
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise InvalidValue("options", f"Option names must be unique; repeated: {', '.join(duplicates)}.",
                           duplicates=duplicates)
    return options


@transaction.atomic
def research_record(*, session: TechSpecSession, technology_category: str, gap_description: str,
                    options: list[dict]) -> TechResearch:
    """Record a researched technology gap with its options (each a JSON object with a unique name)."""
    category = required_text("technology_category", technology_category, max_length=100).strip()
    gap = required_text("gap_description", gap_description)
    options = _checked_options(options)
    return TechResearch.objects.create(
        session_id=session.pk, technology_category=category, gap_description=gap, researched_options=options
    )


def _option_names(research: TechResearch) -> list[str]:
    return [o["name"] for o in research.researched_options if isinstance(o, dict) and "name" in o]


def _decide(research: TechResearch, decision: DecisionInput) -> TechResearch:
    """Record `decision` on a research row the caller has locked, with its conversation message."""
    if research.is_decided:
        raise DecisionAlreadyRecorded(research.pk, research.selected_technology)
    technology = required_text("technology", decision.technology, max_length=200).strip()
    reasoning = optional_text("reasoning", decision.reasoning)
    custom = bool(decision.custom)
    if not custom and technology not in _option_names(research):
        raise TechnologyNotInOptions(research.pk, technology, _option_names(research))
    research.selected_technology = technology
    research.selection_reasoning = reasoning
    research.is_custom_selection = custom
    research.decision_timestamp = timezone.now()
    research.save(update_fields=["selected_technology", "selection_reasoning", "is_custom_selection",
                                 "decision_timestamp"])
    text = f"Selected {technology} for {research.technology_category}."
    add_message(
        session_id=research.session_id,
        role=MessageRole.USER,
        message=f"{text}\n\n{reasoning}" if reasoning.strip() else text,
        message_type=MessageType.DECISION,
        research_id=research.pk,
        metadata={"technology": technology, "custom": custom, "research_id": str(research.pk)},
    )
    return research


def _locked_batch(session_pk: uuid.UUID, decisions: list[DecisionInput]) -> tuple[dict, dict]:
    ids = [as_uuid(d.research_id, lambda rid: ResearchNotFound(rid, session_pk)) for d in decisions]
    if len(set(ids)) != len(ids):
        raise InvalidValue("decisions", "Each research item may appear once in a batch of decisions.")
    # Locking in id order: two batches sharing items then queue instead of deadlocking.
    rows = TechResearch.objects.select_for_update().filter(pk__in=ids, session_id=session_pk).order_by("id")
    found = {row.pk: row for row in rows}
    for decision, pk in zip(decisions, ids, strict=True):
        if pk not in found:
            raise ResearchNotFound(decision.research_id, session_pk)
    return dict(zip(ids, decisions, strict=True)), found


@transaction.atomic
def decisions_record(*, session: TechSpecSession, decisions: list[DecisionInput]) -> list[TechResearch]:
    """Record the user's decisions on research items of one session, each once: all of them, or none
    (the first refusal raises).

    The row locks make concurrent decisions on one item queue up: the first records, the
    others then see it decided and raise DecisionAlreadyRecorded.
    """
    if not decisions:
        raise InvalidValue("decisions", "Give at least one decision.")
    by_id, rows = _locked_batch(session.pk, list(decisions))
    return [_decide(rows[pk], decision) for pk, decision in by_id.items()]
