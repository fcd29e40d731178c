"""The project's faster select, input and label templates write Django's own markup.

templates/django/forms/ replaces Django's select.html (its options written by the
`select_options` tag of moisinno/templatetags/form_widgets.py), input.html and label.html (their
attributes written in): each widget must render byte for byte as Django's bundled templates
render it (`DjangoTemplates` renderer), escaping included.
"""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.translation import gettext_lazy

DJANGO = DjangoTemplates()
CHOICES = [
    ("", "Choisir un département"),
    ("35", "Ille-et-Vilaine"),
    ("2A", "Corse-du-Sud & <Corse>"),
    ("Outre-mer", [("971", "Guadeloupe"), ("974", "La Réunion « île »")]),
    (3, gettext_lazy("Yes")),
]
ATTRS = {"id": "id_field", "class": "fr-select", "data-note": 'dit "oui" & <non>', "required": True}


class Option(forms.Select):
    """An option with an attribute of its own (as a widget may add in create_option)."""

    def create_option(self, *args, **kwargs):
        option = super().create_option(*args, **kwargs)
        option["attrs"]["data-code"] = f"{option['value']}\"'"
        option["attrs"]["hidden"] = False
        return option


@pytest.mark.parametrize(
    ("widget", "value"),
    [
        (forms.Select(choices=CHOICES), "974"),
        (forms.Select(choices=CHOICES), ""),
        (forms.Select(choices=CHOICES), None),
        (forms.Select(choices=CHOICES), 3),
        (forms.SelectMultiple(choices=CHOICES), ["35", "971"]),
        (forms.NullBooleanSelect(), None),
        (Option(choices=CHOICES), "2A"),
        (forms.TextInput(), 'Atelier « test » & <b>"quotes"</b>'),
        (forms.TextInput(attrs={"disabled": False, "readonly": True}), None),
        (forms.DateInput(), "2026-11-02"),
        (forms.CheckboxInput(), True),
        (forms.URLInput(), "https://example.gouv.fr/?a=1&b=2"),
    ],
)
def test_a_widget_renders_as_djangos_own_templates(widget, value):
    assert widget.render("field", value, attrs=ATTRS) == widget.render(
        "field", value, attrs=ATTRS, renderer=DJANGO
    )


class EventForm(forms.Form):
    title = forms.CharField(label="Titre « officiel » & <court>")
    department = forms.ChoiceField(label="Département", choices=CHOICES)


@pytest.mark.parametrize("field", ["title", "department"])
@pytest.mark.parametrize("attrs", [None, {"class": "fr-label", "data-x": '"', "hidden": False}])
def test_a_label_renders_as_djangos_own_template(field, attrs):
    ours = EventForm(auto_id="id_%s")[field]
    django = EventForm(auto_id="id_%s", renderer=DJANGO)[field]

    assert ours.label_tag(attrs=attrs) == django.label_tag(attrs=attrs)
    assert ours.legend_tag(attrs=attrs) == django.legend_tag(attrs=attrs)
