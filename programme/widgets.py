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
        base_id = attrs.pop("id", f"id_{name}")
        selected = _selected_values(self, value)
        return format_html_join(
            "\n",
            '<div class="fr-fieldset__element"><div class="fr-checkbox-group">'
            '<input type="checkbox" name="{}" value="{}" id="{}"{}{}>'
            '<label class="fr-label" for="{}">{}</label></div></div>',
            (
                (
                    name,
                    v,
                    f"{base_id}_{index}",
                    flatatt(attrs),
                    CHECKED if str(v) in selected else "",
                    f"{base_id}_{index}",
                    label,
                )
                for index, (v, label) in enumerate(self.choices)
            ),
        )
