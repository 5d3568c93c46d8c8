"""Admin forms whose writes go through the session services, never straight to the model."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.models import construct_instance

from sessions_app.models import TechSpecSession
from sessions_app.services import session_start, session_transition
from techspec_project.errors import DomainError


class ServiceForm(forms.ModelForm):
    """A ModelForm that validates its fields, then asks a service to do the write.

    The service is the rule book and the database constraints its backstop, so
    the model-level constraint validation a ModelForm normally runs (which would
    judge a half-built instance against rules the service applies as a whole) is
    skipped. The service runs inside a savepoint of the admin's own transaction:
    a refusal becomes one form error (the admin shows it under "Please correct
    the error below"; a second copy as a message said the same thing twice) and
    writes nothing. After any error the instance is reloaded, so the page's title
    shows the stored state, not the refused one.
    """

    request = None  # set by the ModelAdmin's get_form

    def _post_clean(self):
        try:
            self.instance = construct_instance(self, self.instance, self._meta.fields, self._meta.exclude)
        except ValidationError as exc:
            self._update_errors(exc)

    def full_clean(self):
        super().full_clean()
        if not self.is_bound:
            return
        if not self._errors:
            try:
                with transaction.atomic():
                    self.result = self.apply()
            except DomainError as exc:
                self.add_error(None, exc.message)
        if self._errors and not self.instance._state.adding:
            # construct_instance copied the refused values onto the instance the page's title reads.
            self.instance.refresh_from_db(fields=[f for f in self._meta.fields if f in self.fields])

    def apply(self):
        raise NotImplementedError


class SessionStartForm(ServiceForm):
    """Start a session for a completed design job (session_start), or find the active one."""

    class Meta:
        model = TechSpecSession
        fields = ["project_id", "design_job", "user_id"]

    def apply(self):
        data = self.cleaned_data
        return session_start(project_id=data["project_id"], design_job_id=data["design_job"].pk,
                             user_id=data["user_id"])


class SessionStateForm(ServiceForm):
    """Change status, stage or progress through the state machine (session_transition)."""

    class Meta:
        model = TechSpecSession
        fields = ["status", "current_stage", "progress_percentage"]

    def apply(self):
        changed = {
            "status": "status", "stage": "current_stage", "progress": "progress_percentage",
        }
        requested = {arg: self.cleaned_data[field] for arg, field in changed.items() if field in self.changed_data}
        if not requested:
            return None
        return session_transition(session_id=self.instance.pk, **requested)
