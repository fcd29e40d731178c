"""Form fields and widgets shared by the apps' forms and the admin, and the error summary."""

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import connections, models
from django.forms.formsets import BaseFormSet


def storable_key(model_field: models.Field, value, using: str) -> bool:
    """Whether `value` is a key the database could hold in `model_field`: a number in its
    integer range for an integer key (any value for another kind of key)."""
    if not isinstance(model_field, models.IntegerField):
        return True
    try:
        number = int(str(value).strip())
    except ValueError:
        return False
    low, high = connections[using].ops.integer_field_range(model_field.get_internal_type())
    return (low is None or number >= low) and (high is None or number <= high)


class BoundedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A multiple choice of rows by integer key that refuses a key the database cannot hold.

    Django looks up the chosen keys with `pk__in`, which (unlike `pk=`) does not check the
    database's integer range: SQLite raises OverflowError on a key beyond 64 bits, a server
    error where PostgreSQL finds nothing. Such a key gets the usual French form error instead.
    """

    def _check_values(self, value):
        key = self.to_field_name or "pk"
        meta = self.queryset.model._meta
        model_field = meta.pk if key == "pk" else meta.get_field(key)
        for pk in value:
            if str(pk).strip().lstrip("+-").isdigit() and not storable_key(
                model_field, pk, self.queryset.db
            ):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


class _StorableKeysMixin:
    """The admin's autocomplete widgets look up the submitted keys to redisplay them: with a
    key that is not a number (or too large for SQLite) that lookup is a server error instead
    of the form's own error. Only keys the database could hold are looked up."""

    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        field_name = getattr(remote, "field_name", None)
        target = remote.model._meta.get_field(field_name) if field_name else remote.model._meta.pk
        using = self.db or "default"
        value = [v for v in value if v in ("", None) or storable_key(target, v, using)]
        return super().optgroups(name, value, attr)


class StorableKeysAutocompleteSelect(_StorableKeysMixin, AutocompleteSelect):
    pass


class StorableKeysAutocompleteSelectMultiple(_StorableKeysMixin, AutocompleteSelectMultiple):
    pass


def error_summary(*forms_and_formsets) -> list[dict]:
    """Every error of the given forms, as links for the summary at the top of the page.

    Each item: `label` (the field, "" for a form-wide error), `message`, `anchor` (the id of
    the input to focus, "" when there is none). Formset rows are named "Séance 1", "Séance 2"…
    """
    items: list[dict] = []
    for form in forms_and_formsets:
        if isinstance(form, BaseFormSet):
            items += [
                {"label": "Séances", "message": e, "anchor": ""} for e in form.non_form_errors()
            ]
            for number, row in enumerate(form.forms, start=1):
                items += _form_errors(row, prefix=f"Séance {number} — ")
        else:
            items += _form_errors(form)
    return items


def _form_errors(form, prefix: str = "") -> list[dict]:
    if not form.is_bound or not form.errors:
        return []
    items = [{"label": "", "message": e, "anchor": ""} for e in form.non_field_errors()]
    for name in form.errors:
        if name == NON_FIELD_ERRORS:
            continue
        field = form[name]
        items += [
            {"label": f"{prefix}{field.label}", "message": e, "anchor": field.id_for_label}
            for e in field.errors
        ]
    return items
