"""The session change page as staff use it: its URL, the form it posts back, saving it."""

from __future__ import annotations

from django.urls import reverse


def change_url(session):
    return reverse("admin:sessions_app_techspecsession_change", args=[session.pk])


def change_post_data(response, **fields) -> dict:
    """What the browser posts back: the change form's values and every inline form's fields
    (their hidden ids included), with `fields` overridden."""
    form = response.context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = management[name].value()
        for inline_form in inline.formset.forms:
            for name in inline_form.fields:
                data[inline_form.add_prefix(name)] = inline_form[name].value()
    data.update(fields)
    return {name: value for name, value in data.items() if value is not None}


def post_change(client, session, **fields):
    """Open the session's change page and save it back with `fields` changed, as staff would."""
    page = client.get(change_url(session))
    return client.post(change_url(session), change_post_data(page, **fields))

