"""The project's faster select, input and label templates, and the inputs, textareas, labels,
options and django-dsfr field wrappers that moisinno/form_renderer.py writes in Python, give
the templates' own markup.

templates/django/forms/ replaces Django's select.html (its options written by the
`select_options` tag of moisinno/templatetags/form_widgets.py), input.html and label.html (their
attributes written in): each widget must render byte for byte as Django's bundled templates
render it (`DjangoTemplates` renderer), escaping included.
"""

import re

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy
from dsfr.forms import DsfrBoundField

from moisinno.form_renderer import FormRenderer
from moisinno.forms import CachedOptionsSelect
from tests.factories import EventFactory, MembershipFactory
from tests.organizer_space.forms import event_form_data

DJANGO = DjangoTemplates()
#: django-dsfr's field wrappers (`as_field_group`), which moisinno/form_renderer.py writes.
SNIPPETS = {
    f"dsfr/form_field_snippets/{kind}_snippet.html"
    for kind in ("input", "checkbox", "radioselect", "checkboxselectmultiple")
}
CHOICES = [
    ("", "Choisir un département"),
    ("35", "Ille-et-Vilaine"),
    ("2A", "Corse-du-Sud & <Corse>"),
    ("Outre-mer", [("971", "Guadeloupe"), ("974", "La Réunion « île »")]),
    (3, gettext_lazy("Yes")),
]
FLAT = [choice for choice in CHOICES if not isinstance(choice[1], list)]
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
        (CachedOptionsSelect(choices=FLAT), "35"),
        (CachedOptionsSelect(choices=FLAT), "35"),  # the second time: the kept markup
        (CachedOptionsSelect(choices=FLAT), "2A"),
        (CachedOptionsSelect(choices=FLAT), 3),
        (CachedOptionsSelect(choices=FLAT), None),
        (CachedOptionsSelect(choices=FLAT), '"><script>'),
        (CachedOptionsSelect(choices=CHOICES), "974"),  # groups: not a key, rendered each time
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


@pytest.mark.parametrize(
    ("widget", "value"),
    [
        (forms.Textarea(), "Première ligne\n<script>« deux »</script> & trois"),
        (forms.Textarea(), ""),
        (forms.NumberInput(attrs={"min": 0}), 30),
        (forms.HiddenInput(), 'valeur "cachée" & <b>'),
        (forms.EmailInput(), "agent@bretagne.gouv.fr"),
        (forms.PasswordInput(render_value=True), "<secret>"),
        (forms.TimeInput(), "09:30"),
        (forms.DateTimeInput(), "2026-11-02 09:30"),
        (forms.CheckboxInput(), False),
        (forms.TextInput(), mark_safe("<i>déjà sûr</i>")),
    ],
)
def test_the_inputs_written_in_python_render_as_djangos_own_templates(widget, value):
    assert get_default_renderer().written_in_python(widget.template_name)
    assert widget.render("field", value, attrs=ATTRS) == widget.render(
        "field", value, attrs=ATTRS, renderer=DJANGO
    )


def test_a_select_keeps_the_markup_of_its_options_by_chosen_value():
    widget = CachedOptionsSelect(choices=FLAT)

    first = widget.get_context("department", "35", None)["widget"]["optgroups"].markup
    again = CachedOptionsSelect(choices=FLAT).get_context("d", "35", None)["widget"]["optgroups"]
    other = widget.get_context("department", "2A", None)["widget"]["optgroups"].markup

    assert again.markup is first
    forged = widget.get_context("department", "x" * 10_000, None)["widget"]["optgroups"].markup
    # No option chosen: the same markup as for any other value that is not an option.
    assert forged is widget.get_context("department", "zz", None)["widget"]["optgroups"].markup
    assert "selected" not in forged
    assert '<option value="35" selected>' in first and '<option value="2A">' in first
    assert '<option value="2A" selected>' in other


def test_a_template_that_says_otherwise_is_rendered_as_a_template(settings, tmp_path):
    # A project that changes text.html (an attribute of its own) keeps its template: the
    # Python writing of moisinno/form_renderer.py is used only where it gives the same markup.
    widgets = tmp_path / "django" / "forms" / "widgets"
    widgets.mkdir(parents=True)
    (widgets / "text.html").write_text(
        '<input data-theirs type="{{ widget.type }}" name="{{ widget.name }}">'
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    renderer = FormRenderer()

    assert forms.TextInput().render("titre", "x", renderer=renderer) == (
        '<input data-theirs type="text" name="titre">'
    )
    assert not renderer.written_in_python("django/forms/widgets/text.html")
    assert renderer.written_in_python("django/forms/widgets/number.html")
    assert forms.NumberInput().render("n", 3, renderer=renderer) == (
        '<input type="number" name="n" value="3">'
    )


@pytest.mark.parametrize(
    ("name", "markup"),
    [
        ("dsfr/form_field_snippets/input_snippet.html", "<p data-theirs>{{ field.label }}</p>"),
        ("django/forms/widgets/radio_option.html", "<b data-theirs>{{ widget.label }}</b>"),
    ],
)
def test_a_wrapper_or_option_that_says_otherwise_is_rendered_as_a_template(
    settings, tmp_path, name, markup
):
    (tmp_path / name).parent.mkdir(parents=True)
    (tmp_path / name).write_text(markup)
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    renderer = FormRenderer()
    form = EventForm(renderer=renderer)

    assert not renderer.written_in_python(name)
    if name.startswith("dsfr/"):
        assert DsfrBoundField(form, form.fields["title"], "title").as_field_group() == (
            "<p data-theirs>Titre « officiel » &amp; &lt;court&gt;</p>"
        )
    else:
        assert renderer.render(name, {"widget": {"label": "A & b"}}) == (
            "<b data-theirs>A &amp; b</b>"
        )


def test_an_option_with_a_hint_of_its_own_is_left_to_its_template():
    # A rich choice (label and help text): the function declines, the template writes it.
    renderer = get_default_renderer()
    option = {
        "type": "radio",
        "name": "mode",
        "value": "a",
        "label": {"label": "Sur place", "help_text": "À Rennes & <ailleurs>"},
        "attrs": {"id": "id_mode_0", "dsfr": "dsfr"},
        "wrap_label": True,
    }
    name = "django/forms/widgets/radio_option.html"

    assert renderer.written_in_python(name)
    html = renderer.render(name, {"widget": option})
    assert html == renderer.get_template(name).render({"widget": option}).strip()
    assert 'id="id_mode_0_helptext">À Rennes &amp; &lt;ailleurs&gt;</span>' in html


def _comparable(html: str) -> str:
    """A page without what changes at every request (CSRF token, CSP nonce, the breadcrumb's
    random id)."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "csrf", html)
    html = re.sub(r"breadcrumb-[a-z]{16}", "breadcrumb", html)
    return re.sub(r'nonce="[^"]+"', "nonce", html)


@pytest.mark.parametrize("page", ["admin change page", "organiser event form"])
def test_whole_forms_render_as_with_djangos_template_renderer(
    client, moderator, edition, settings, page
):
    membership = MembershipFactory()
    event = EventFactory(
        edition=edition,
        organization=membership.organization,
        title="Atelier « faire simple » & <vite>",
        summary='Des "agents" et des usagers.',
        # Submitted for the moderator; a draft, which its organisers may edit, otherwise.
        submitted=page == "admin change page",
        submitted_at=timezone.now(),
    )
    if page == "admin change page":
        client.force_login(moderator)
        url = reverse("admin:events_event_change", args=[event.pk])
    else:
        client.force_login(membership.user)
        url = reverse("organizers:event_update", args=[event.pk])
    client.get(url)  # the renderer's first use compares its functions with the templates
    ours = client.get(url)
    settings.FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
    theirs = client.get(url)

    assert ours.status_code == theirs.status_code == 200
    assert "Atelier « faire simple » &amp; &lt;vite&gt;" in ours.text
    assert _comparable(ours.text) == _comparable(theirs.text)
    if page == "organiser event form":  # its fields' wrappers: Python here, templates there
        assert not SNIPPETS & {template.name for template in ours.templates}
        assert {template.name for template in theirs.templates} >= SNIPPETS
    session = event.sessions.get()
    assert session.department  # its select, written from the kept options, says which
    assert f'<option value="{session.department}" selected>' in ours.text


@pytest.mark.parametrize("page", ["event form", "state change"])
def test_organiser_forms_with_errors_render_as_with_the_templates(client, edition, settings, page):
    # Every wrapper with its errors, aria attributes and the values sent back.
    membership = MembershipFactory()
    event = EventFactory(
        edition=edition,
        organization=membership.organization,
        title="Atelier « faire simple » & <vite>",
        published=page == "state change",
    )
    client.force_login(membership.user)
    session = event.sessions.get()
    if page == "event form":
        url = reverse("organizers:event_update", args=[event.pk])
        row = {"id": session.pk, "date": "hier", "postal_code": "35<b>", "capacity": "beaucoup"}
        data = event_form_data(
            sessions=[row, {"date": "2026-11-16", "attendance_mode": "ailleurs"}],
            title="",
            summary='<script>alert("x")</script>',
            themes=["999999"],
            registration_mode="nulle part",
            registration_url="pas un lien",
            capacity="-1",
            public_contact_email="pas@",
        )
    else:
        url = reverse("organizers:event_schedule", args=[event.pk])
        data = {
            "schedule_status": "nulle part",
            "message": "",
            "sessions-TOTAL_FORMS": "1",
            "sessions-INITIAL_FORMS": "0",
            "sessions-MIN_NUM_FORMS": "0",
            "sessions-MAX_NUM_FORMS": "30",
        }
    client.post(url, data)  # the renderer's first use compares its functions with the templates
    ours = client.post(url, data)
    settings.FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
    theirs = client.post(url, data)

    assert ours.status_code == theirs.status_code == 200
    assert 'aria-invalid="true"' in ours.text
    assert "fr-fieldset--error" in ours.text
    if page == "event form":  # the checkboxes and the radio buttons with their errors
        assert 'aria-labelledby="id_themes-legend id_themes-messages"' in ours.text
        assert 'aria-labelledby="id_registration_mode-legend id_registration_mode-desc' in ours.text
    assert _comparable(ours.text) == _comparable(theirs.text)
    wrappers = {template.name for template in theirs.templates} & SNIPPETS
    assert wrappers and not wrappers & {template.name for template in ours.templates}
