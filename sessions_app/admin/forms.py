"""Admin forms that ask the session services whether a change is allowed; the ModelAdmin writes through them."""

from __future__ import annotations

import copy
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model

from sessions_app.models import TechSpecSession
from sessions_app.services import session_start, session_start_check, session_transition, session_transition_check
from techspec_project.errors import DomainError


class ServiceForm(forms.ModelForm):
    """A ModelForm whose clean() asks the service's check, and whose write is the service's (apply()).

    ModelAdmin.save_model calls apply() once the form and its inlines are valid, so
    a refusal is one form error (under "Please correct the error below") and nothing
    is written. The form edits its own copy of the row: the page's title reads the
    admin's object, which must keep the stored state when an edit is refused.
    """

    def __init__(self, *args: Any, instance: Model | None = None, **kwargs: Any) -> None:
        # Through kwargs: mypy cannot tell that *args stops short of ModelForm's positional `instance`.
        kwargs["instance"] = copy.copy(instance) if instance is not None else None
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned_data = super().clean()
        if not self.errors:
            try:
                self.check()
            except DomainError as exc:
                raise ValidationError(exc.message) from None
        return cleaned_data

    def check(self) -> None:
        raise NotImplementedError

    def apply(self):
        raise NotImplementedError


class SessionStartForm(ServiceForm):
    """Start a session for a completed design job (session_start), or find the active one."""

    class Meta:
        model = TechSpecSession
        fields = ["project_id", "design_job", "user_id"]

    def _arguments(self) -> dict:
        data = self.cleaned_data
        return {"project_id": data["project_id"], "design_job_id": data["design_job"].pk, "user_id": data["user_id"]}

    def check(self) -> None:
        session_start_check(**self._arguments())

    def apply(self):
        return session_start(**self._arguments())


class SessionStateForm(ServiceForm):
    """Change status, stage or progress through the state machine (session_transition)."""

    progress_percentage = forms.IntegerField(min_value=0, max_value=100)

    class Meta:
        model = TechSpecSession
        fields = ["status", "current_stage", "progress_percentage"]

    def _requested(self) -> dict:
        changed = {"status": "status", "stage": "current_stage", "progress": "progress_percentage"}
        return {arg: self.cleaned_data[field] for arg, field in changed.items() if field in self.changed_data}

    def check(self) -> None:
        if requested := self._requested():
            session_transition_check(session=self.instance, **requested)

    def apply(self):
        requested = self._requested()
        return session_transition(session_id=self.instance.pk, **requested) if requested else None
