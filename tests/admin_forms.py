"""Helpers for tests that post the Django admin's change forms."""

import datetime


def resubmit_data(response, **changes) -> dict:
    """The admin change form's current values (with its inlines), with `changes` applied."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name in formset.management_form.fields:
            data[formset.management_form.add_prefix(name)] = formset.management_form[name].value()
        forms += list(formset.forms)
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            if isinstance(value, list | tuple):
                data[form.add_prefix(name)] = [str(v) for v in value]
            elif isinstance(value, datetime.date | datetime.time):
                data[form.add_prefix(name)] = value.isoformat()
            else:
                data[form.add_prefix(name)] = value
    data.update(changes)
    return data


def with_session(data: dict, **values) -> dict:
    """The admin's POST with the first session's (inline) fields changed: the place is the
    session's, the event's is derived from its sessions (events.sessions)."""
    prefix = next(key for key in data if key.endswith("-0-start_time")).removesuffix("start_time")
    return {**data, **{f"{prefix}{name}": value for name, value in values.items()}}
