"""DSFR choice widgets rendered in Python.

Django renders every <option> and every checkbox of a choice widget through a template; with
the hundreds of organisations, departments and labs of the programme's filters that took most
of the page's server time. These widgets write the same DSFR markup directly.
"""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

CHECKED = mark_safe(" checked")


def _selected_values(widget: forms.Widget, value) -> set[str]:
    return {str(v) for v in widget.format_value(value)}


class DsfrSelect(forms.Select):
    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        final_attrs = self.build_attrs(self.attrs, attrs)
        selected = _selected_values(self, value)
        # Plain escaping and joining: format_html per option cost most of the time of the
        # programme's organisation menu (hundreds of options).
        options = "".join(
            f'<option value="{escape(option)}"{" selected" if str(option) in selected else ""}>'
            f"{escape(label)}</option>"
            for option, label in ((("" if v is None else v), label) for v, label in self.choices)
        )
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(final_attrs),
            mark_safe(options),  # noqa: S308 - every part is escaped above
        )


class DsfrCheckboxSelectMultiple(forms.CheckboxSelectMultiple):
    """The checkboxes of a DSFR fieldset (`fr-fieldset__element` > `fr-checkbox-group`); the
    field's template writes the fieldset and its legend around them."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        attrs = self.build_attrs(self.attrs, attrs)
        attrs.pop("dsfr", None)  # django-dsfr's marker for its own option template
        base_id = escape(attrs.pop("id", f"id_{name}"))
        selected = _selected_values(self, value)
        extra, name = flatatt(attrs), escape(name)
        # Plain escaping and joining, as in DsfrSelect: dozens of boxes on every programme page.
        return mark_safe(  # noqa: S308 - every part is escaped
            "\n".join(
                '<div class="fr-fieldset__element"><div class="fr-checkbox-group">'
                f'<input type="checkbox" name="{name}" value="{escape(v)}" id="{base_id}_{index}"'
                f"{extra}{' checked' if str(v) in selected else ''}>"
                f'<label class="fr-label" for="{base_id}_{index}">{escape(label)}</label>'
                "</div></div>"
                for index, (v, label) in enumerate(self.choices)
            )
        )


# Field groups ---------------------------------------------------------------------------------
# django-dsfr writes each field through two templates (the field group, then the widget); the
# programme's filter form has sixteen fields on every programme and calendar page, so its groups
# are written here, in the same DSFR markup: label with its hint, the control described by the
# hint or the errors, the errors as `fr-error-text`.


def _errors_html(field, error_id: str) -> SafeString:
    return format_html(
        '<div class="fr-messages-group" id="{}">{}</div>',
        error_id,
        format_html_join("", '<p class="fr-error-text">{}</p>', ((e,) for e in field.errors)),
    )


def _control_attrs(field, control_class: str | None) -> dict:
    """The attributes DSFR expects on the control: its class, what describes it, invalidity."""
    attrs = {}
    if control_class:
        attrs["class"] = control_class
    if field.errors:
        attrs["aria-invalid"] = "true"
        attrs["aria-describedby"] = f"{field.auto_id}-desc-error"
    elif field.help_text:
        attrs["aria-describedby"] = f"{field.auto_id}_helptext"
    return attrs


def field_group(field) -> SafeString:
    """A bound field of the programme's filter form as its DSFR group."""
    widget = field.field.widget
    if isinstance(widget, DsfrCheckboxSelectMultiple):
        return _checkbox_fieldset(field)
    hint = (
        format_html(
            '<span class="fr-hint-text" id="{}_helptext">{}</span>', field.auto_id, field.help_text
        )
        if field.help_text
        else ""
    )
    label = format_html(
        '<label class="fr-label" for="{}">{}{}</label>', field.auto_id, field.label, hint
    )
    errors = _errors_html(field, f"{field.auto_id}-desc-error") if field.errors else ""
    if isinstance(widget, forms.CheckboxInput):
        group = "fr-checkbox-group"
        control = _input(field, _control_attrs(field, None))
        parts = (control, label, errors)
    elif isinstance(widget, forms.Select):
        group = "fr-select-group"
        control = field.as_widget(attrs=_control_attrs(field, "fr-select"))
        parts = (label, control, errors)
    else:
        group = "fr-input-group"
        control = _input(field, _control_attrs(field, "fr-input"))
        parts = (label, control, errors)
    return format_html(
        '<div class="{}{}">{}{}{}</div>',
        group,
        f" {group}--error" if field.errors else "",
        *parts,
    )


def _input(field, extra: dict) -> SafeString:
    """An <input> as Django's input template writes it, without the template."""
    widget = field.field.widget
    attrs = widget.build_attrs(widget.attrs, {**extra, "id": field.auto_id})
    value = field.value()
    if isinstance(widget, forms.CheckboxInput):
        if widget.check_test(value):
            attrs["checked"] = True
    else:
        value = widget.format_value(value)
        if value is not None:
            attrs["value"] = value
    return format_html(
        '<input type="{}" name="{}"{}>', widget.input_type, field.html_name, flatatt(attrs)
    )


def _checkbox_fieldset(field) -> SafeString:
    legend_id = f"{field.auto_id}-legend"
    error_id = f"{field.auto_id}-desc-error"
    hint = (
        format_html('<span class="fr-hint-text">{}</span>', field.help_text)
        if field.help_text
        else ""
    )
    attrs = {"aria-invalid": "true"} if field.errors else {}
    return format_html(
        '<fieldset class="fr-fieldset{}" id="checkboxes-{}" aria-labelledby="{}">'
        '<legend class="fr-fieldset__legend fr-fieldset__legend--regular" id="{}">{}{}</legend>'
        "{}{}</fieldset>",
        " fr-fieldset--error" if field.errors else "",
        field.auto_id,
        f"{legend_id} {error_id}" if field.errors else legend_id,
        legend_id,
        field.label,
        hint,
        field.as_widget(attrs=attrs),
        _errors_html(field, error_id) if field.errors else "",
    )
