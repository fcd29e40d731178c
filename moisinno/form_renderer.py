"""The form renderer: Django's `TemplatesSetting`, with the commonest widget templates written
in Python.

Every input of a form costs two templates (text.html includes input.html) and a label one
more; an event's change page in the admin renders about 130 of them, a third of its time. Here
the plain inputs, the textarea and the label are written by functions that give the same
markup as the templates. What the templates say stays the reference: the first time a process
renders one of these names, its function is compared with the template (whichever template
the loaders find: ours, django-dsfr's or Django's) on a set of probes (values, booleans,
characters to escape); a template that gives anything else keeps being rendered as a
template. A function may also decline a context it does not model (it returns None): the
template renders it. `tests/moisinno/test_form_widgets.py` compares whole pages both ways.

django-dsfr's field wrappers (`as_field_group`: the input, checkbox, radio and checkboxes
snippets, about 75 on the organiser's event form) and the radio and checkbox options are
written here too, with the same check; their probes are fields of real forms
(`_probe_fields`), built anew for each side of the comparison since rendering a field may set
attributes on its widget (django-dsfr's classes, django-widget-tweaks' input type).
"""

import datetime
import html
import itertools
import threading
from collections.abc import Callable

from django import forms
from django.contrib.admin import widgets as admin_widgets
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting
from django.templatetags.static import static
from django.utils.functional import Promise
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import gettext, gettext_lazy
from dsfr.forms import DsfrBaseForm
from dsfr.templatetags.dsfr_tags import dsfr_mark_optionnal_fields
from dsfr.utils import dsfr_input_class_attr
from dsfr.widgets import InlineCheckboxSelectMultiple, InlineRadioSelect
from widget_tweaks.templatetags.widget_tweaks import set_attr

from .forms import CachedOptionsSelect
from .templatetags.form_widgets import select_options

WIDGETS = "django/forms/widgets/"
#: The input types whose template only includes input.html (Django's text.html, …).
INPUT_TYPES = (
    "text",
    "hidden",
    "checkbox",
    "number",
    "email",
    "url",
    "password",
    "search",
    "tel",
    "date",
    "time",
    "datetime",
    "color",
)


def _escape(value) -> str:
    """`conditional_escape`: plain text as Django's `escape` writes it (`html.escape`), without
    its wrapper for lazy text, a tenth of a field's time; anything else (safe, lazy, an object
    with `__html__`) through Django's."""
    if type(value) is str:
        return html.escape(value)
    return conditional_escape(value)


def _string(value) -> str:
    """`{{ value|stringformat:'s' }}`: the value as text, escaped unless it is safe."""
    try:
        text = "%s" % value  # noqa: UP031 - what Django's stringformat filter does
    except (ValueError, TypeError):
        return ""
    return text if isinstance(value, SafeData) else html.escape(text)


def attributes(attrs: dict) -> str:
    """attrs.html: ` name="value"`, ` name` for True, nothing for False."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(f" {_escape(name)}")
        if value is not True:
            parts.append(f'="{_string(value)}"')
    return "".join(parts)


def _input(context: dict) -> str:
    widget = context["widget"]
    value = widget.get("value")
    shown = "" if value is None else f' value="{_string(value)}"'
    return (
        f'<input type="{_escape(widget["type"])}" '
        f'name="{_escape(widget["name"])}"{shown}{attributes(widget["attrs"])}>\n'
    )


def _textarea(context: dict) -> str:
    widget = context["widget"]
    value = widget.get("value")
    text = _escape(value) if value else ""
    return (
        f'<textarea name="{_escape(widget["name"])}"{attributes(widget["attrs"])}>\n'
        f"{text}</textarea>\n"
    )


def _option_input(widget: dict) -> str:
    """option_input.html: input.html without django-dsfr's `dsfr` marker."""
    value = widget.get("value")
    shown = "" if value is None else f' value="{_string(value)}"'
    attrs = {name: value for name, value in widget["attrs"].items() if name != "dsfr"}
    return (
        f'<input type="{_escape(widget["type"])}" '
        f'name="{_escape(widget["name"])}"{shown}{attributes(attrs)}>'
    )


def _option_label(widget: dict) -> str | None:
    """option_label.html (None for a label with a hint of its own: the template writes it)."""
    if not widget.get("wrap_label"):
        return "\n\n"
    label = widget.get("label")
    if not isinstance(label, str | Promise):
        return None
    id_ = widget["attrs"].get("id")
    target = f'for="{_escape(id_)}"' if id_ else ""
    return (
        f'\n\n  <label class="fr-label"\n     {target}>\n    \n      '
        f"{_escape(label)}\n    \n  </label>\n\n"
    )


def _radio_option(context: dict) -> str | None:
    widget = context["widget"]
    label = _option_label(widget)
    if label is None:
        return None
    return f'<div class="fr-radio-group">\n  \n{_option_input(widget)}\n\n  {label}\n</div>\n'


def _checkbox_option(context: dict) -> str | None:
    widget = context["widget"]
    label = _option_label(widget)
    if label is None:
        return None
    dsfr = widget["attrs"].get("dsfr") == "dsfr"
    opening = '\n  <div class="fr-checkbox-group">\n' if dsfr else ""
    closing = "\n  </div>\n" if dsfr else ""
    return f"{opening}\n\n{_option_input(widget)}\n\n{label}\n{closing}\n"


def _label(context: dict) -> str:
    label = _escape(context["label"])
    if not context.get("use_tag"):
        return f"{label}\n"
    tag = _escape(context["tag"])
    return f"<{tag}{attributes(context.get('attrs') or {})}>{label}</{tag}>\n"


def _plain(value) -> bool:
    """Whether a template writes `value` as its text, escaped (not a number or a date, which
    it localises; not a callable, which it calls)."""
    return isinstance(value, str | Promise)


def _legend(field: BoundField, hint_id: str) -> str:
    """What the snippets' label or legend holds: the label, django-dsfr's required marker,
    the help text (written as it is, as `|safe` does)."""
    mark = _escape(dsfr_mark_optionnal_fields(field))
    hint = ""
    if field.help_text:
        hint = (
            f'\n      <span class="fr-hint-text" id="{_escape(hint_id)}_helptext">'
            f"{field.help_text}</span>\n    "
        )
    return f"    \n    {_escape(field.label)}{mark}\n    {hint}\n    \n"


def _input_snippet(context: dict) -> str | None:
    """django-dsfr's input_snippet.html; what it reads, in its order (rendering the widget
    sets django-dsfr's classes on it, after the group class is read)."""
    field = context.get("field")
    if not isinstance(field, BoundField) or not _plain(field.label):
        return None
    group = getattr(field.field.widget, "group_class", None) or "fr-input-group"
    if not _plain(group):
        return None
    group = _escape(group)
    errors = field.errors
    classes = group + (f" {group}--error" if errors else "")
    if field.field.disabled:
        classes += " fr-input-group--disabled"
    label_for = _escape(field.id_for_label)
    legend = _legend(field, field.id_for_label)
    widget = _escape(str(dsfr_input_class_attr(field)))
    return (
        f'<div class="{classes}">\n  <label for="{label_for}" class="fr-label">\n{legend}'
        f"  </label>\n  {widget}\n  {_errors(field, errors, '')}\n</div>\n"
    )


def _checkbox_snippet(context: dict) -> str | None:
    """django-dsfr's checkbox_snippet.html, in its order."""
    field = context.get("field")
    if not isinstance(field, BoundField) or not _plain(field.label):
        return None
    errors = field.errors
    classes = "fr-checkbox-group" + (" fr-checkbox-group--error" if errors else "")
    if field.field.disabled:
        classes += " fr-input-group--disabled"
    widget = _escape(str(set_attr(dsfr_input_class_attr(field), "type:checkbox")))
    label_for = _escape(field.id_for_label)
    legend = _legend(field, field.auto_id)
    return (
        f'<div class="{classes} fr-mb-2w">\n  {widget}\n'
        f'  <label for="{label_for}" class="fr-label">\n{legend}  </label>\n'
        f"  {_errors(field, errors, '')}\n</div>\n"
    )


def _errors(field: BoundField, errors, attrs: str) -> str:
    """The snippets' error block (`attrs`: the radio snippet's class on it)."""
    if not errors:
        return ""
    return (
        f'\n    <div{attrs} id="{_escape(field.auto_id)}-desc-error">\n'
        f"      {_escape(errors)}\n    </div>\n  "
    )


def _choices_snippet(field: BoundField, *, radio: bool) -> str | None:
    """django-dsfr's radioselect_snippet.html (`radio`) or checkboxselectmultiple_snippet.html:
    a fieldset, the label as its legend, a DSFR element per option."""
    if not isinstance(field, BoundField) or not _plain(field.label):
        return None
    errors = field.errors
    auto_id = _escape(field.auto_id)
    legend = _legend(field, field.auto_id)
    dsfr_input_class_attr(field)
    inline = getattr(field.field.widget, "inline", None)
    if callable(inline):
        return None
    element = "fr-fieldset__element" + (" fr-fieldset__element--inline" if inline else "")
    options = "".join(
        f'\n      <div class="{element}">\n        {_escape(str(subwidget))}\n      </div>\n    '
        for subwidget in field.subwidgets
    )
    if radio:
        fieldset = "fr-fieldset" + (" fr-fieldset--error" if errors else "")
        fieldset_id, described = f"radio-{auto_id}", f" {auto_id}-desc-error"
        error_block = _errors(field, errors, ' class="fr-messages-group"')
    else:
        fieldset = "fr-fieldset" + (" fr-fieldset--error" if errors else "") + " fr-fieldsets"
        fieldset_id, described = f"checkboxes-{auto_id}", f" {auto_id}-messages"
        error_block = _errors(field, errors, "")
    return (
        f'<fieldset class="{fieldset}"\n          id="{fieldset_id}"\n'
        f'          aria-labelledby="{auto_id}-legend{described if errors else ""}">\n'
        '  <legend class="fr-fieldset__legend fr-fieldset__legend--regular"\n'
        f'          id="{auto_id}-legend">\n{legend}  </legend>\n'
        f"  \n    {options}\n  \n  {error_block}\n</fieldset>\n"
    )


def _select(context: dict) -> str:
    """select.html (ours: its options written by `select_options`)."""
    widget = context["widget"]
    return (
        f'<select name="{_escape(widget["name"])}"{attributes(widget["attrs"])}>'
        f"{select_options(widget['optgroups'])}\n</select>"
    )


# The admin's widgets: its date, time, URL and split date-time inputs, and the wrapper of a
# related field's widget (an event's change page has seven, with their links).

ADMIN_WIDGETS = "admin/widgets/"


def _admin_paragraph(kind: str) -> Callable[[dict], str]:
    """admin/widgets/date.html and time.html: the input in a paragraph (Django's date.html
    and time.html include input.html, which ends with a new line, and add their own)."""

    def write(context: dict) -> str:
        return f'<p class="{kind}">\n  {_input(context)}\n\n</p>'

    return write


def _admin_url(context: dict) -> str:
    """admin/widgets/url.html: the current link above the input when the value is a URL."""
    if not context.get("url_valid"):
        return _input(context)
    widget = context["widget"]
    return (
        f'<p class="url">{_escape(context["current_label"])} '
        f'<a href="{_escape(widget["href"])}">{_escape(widget["value"])}</a>'
        f"<br>{_escape(context['change_label'])} {_input(context)}</p>"
    )


#: The subwidgets a split date and time may hold: Django's date and time inputs (input.html
#: and a new line), or the admin's paragraphs (and a new line).
_SUBWIDGETS = {
    WIDGETS + "date.html": lambda context: _input(context) + "\n",
    WIDGETS + "time.html": lambda context: _input(context) + "\n",
    "admin/widgets/date.html": lambda context: _admin_paragraph("date")(context) + "\n",
    "admin/widgets/time.html": lambda context: _admin_paragraph("time")(context) + "\n",
}


def _admin_split_datetime(context: dict) -> str | None:
    """admin/widgets/split_datetime.html (None for subwidgets of another kind)."""
    widget = context["widget"]
    date, time = widget["subwidgets"]
    write_date, write_time = (_SUBWIDGETS.get(sub["template_name"]) for sub in (date, time))
    if write_date is None or write_time is None:
        return None
    labelled = bool(widget["attrs"].get("id"))
    date_for = f'for="{_escape(date["attrs"].get("id", ""))}"' if labelled else ""
    time_for = f'for="{_escape(time["attrs"].get("id", ""))}"' if labelled else ""
    return (
        f'<p class="datetime">\n  <label {date_for}>{_escape(context["date_label"])}'
        f"</label> {write_date({'widget': date})}<br>\n"
        f"  <label {time_for}>{_escape(context['time_label'])}</label> "
        f"{write_time({'widget': time})}\n</p>"
    )


_RELATED_LINKS = [
    # (the context's flag, class, id, URL attribute, URL and parameters, title, icon, indent)
    (
        "can_change_related",
        "change-related",
        "change_id_",
        "data-href-template",
        ("change_related_template_url", "url_params"),
        "Change selected %(model)s",
        "admin/img/icon-changelink.svg",
        True,
    ),
    (
        "can_add_related",
        "add-related",
        "add_id_",
        "href",
        ("add_related_url", "url_params"),
        "Add another %(model)s",
        "admin/img/icon-addlink.svg",
        True,
    ),
    (
        "can_delete_related",
        "delete-related",
        "delete_id_",
        "data-href-template",
        ("delete_related_template_url", "url_params"),
        "Delete selected %(model)s",
        "admin/img/icon-deletelink.svg",
        True,
    ),
    (
        "can_view_related",
        "view-related",
        "view_id_",
        "data-href-template",
        ("change_related_template_url", "view_related_url_params"),
        "View selected %(model)s",
        "admin/img/icon-viewlink.svg",
        False,
    ),
]


def _related_widget_wrapper(context: dict) -> str:
    """`admin/widgets/related_widget_wrapper.html`: a related field's widget and the links
    to change, add, delete or view the related object (the whitespace of the template, which
    `{% spaceless %}` leaves inside the tags)."""
    model_ref = (
        ""
        if context["model_has_limit_choices_to"]
        else f'data-model-ref="{_escape(context["model_name"])}"'
    )
    links = []
    if not context["is_hidden"]:
        name, model = _escape(context["name"]), _escape(context["model"])
        for flag, kind, id_prefix, attribute, (url, params), title, icon, popup in _RELATED_LINKS:
            if not context[flag]:
                continue
            target = f"{_escape(context[url])}?{_escape(context[params])}"
            space = "            " if popup else "             "
            target_line = f'\n{space}{attribute}="{target}"'
            popup_line = f'\n{space}data-popup="yes"' if popup else ""
            lines = (
                (popup_line + target_line) if attribute == "href" else (target_line + popup_line)
            )
            links.append(
                f'<a class="related-widget-wrapper-link {kind}" id="{id_prefix}{name}"{lines}'
                f'\n{space}title="{gettext(title) % {"model": model}}">'
                f'<img src="{_escape(static(icon))}" alt="" width="24" height="24"></a>'
            )
    return (
        f'<div class="related-widget-wrapper" {model_ref}>\n    {context["rendered_widget"]}\n'
        f"    \n        {''.join(links)}\n    \n</div>"
    )


SNIPPETS = "dsfr/form_field_snippets/"
FUNCTIONS: dict[str, Callable[[dict], str | None]] = {
    WIDGETS + "input.html": _input,
    WIDGETS + "textarea.html": _textarea,
    "django/forms/label.html": _label,
    **{f"{WIDGETS}{kind}.html": _input for kind in INPUT_TYPES},
    WIDGETS + "radio_option.html": _radio_option,
    WIDGETS + "checkbox_option.html": _checkbox_option,
    WIDGETS + "select.html": _select,
    ADMIN_WIDGETS + "date.html": _admin_paragraph("date"),
    ADMIN_WIDGETS + "time.html": _admin_paragraph("time"),
    ADMIN_WIDGETS + "url.html": _admin_url,
    ADMIN_WIDGETS + "split_datetime.html": _admin_split_datetime,
    ADMIN_WIDGETS + "related_widget_wrapper.html": _related_widget_wrapper,
    SNIPPETS + "input_snippet.html": _input_snippet,
    SNIPPETS + "checkbox_snippet.html": _checkbox_snippet,
    SNIPPETS + "radioselect_snippet.html": lambda c: _choices_snippet(c.get("field"), radio=True),
    SNIPPETS + "checkboxselectmultiple_snippet.html": (
        lambda c: _choices_snippet(c.get("field"), radio=False)
    ),
}


class _GroupInput(forms.TextInput):
    group_class = "fr-input-group moisinno-group"


class _ProbeForm(DsfrBaseForm):
    """Fields of every kind the snippets wrap, with what they write: labels and help texts to
    escape (or not), required, optional and disabled fields, errors, a group class of its own,
    inline options."""

    title = forms.CharField(
        label="Titre « officiel » & <court>",
        help_text='Aide <a href="#x">lien</a> & « co »',
        max_length=5,
    )
    summary = forms.CharField(
        label=mark_safe("<abbr>Résumé</abbr>"),
        help_text=gettext_lazy("Yes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    kind = forms.ChoiceField(choices=[("", "Choisir"), ("a", "A & <b>")], required=False)
    count = forms.IntegerField(disabled=True, required=False, initial=3)
    day = forms.DateField(required=False, show_hidden_initial=True)
    grouped = forms.CharField(required=False, widget=_GroupInput)
    token = forms.CharField(required=False, widget=forms.HiddenInput)
    agree = forms.BooleanField(label="J’accepte", help_text="Case <b>à</b> cocher")
    box = forms.BooleanField(label=gettext_lazy("No"), required=False, disabled=True)
    mode = forms.ChoiceField(
        label="Modalité",
        widget=forms.RadioSelect,
        choices=[("a", "A & <b>"), ("b", gettext_lazy("No")), ("c", mark_safe("<i>C</i>"))],
        help_text="Une seule",
    )
    inline_mode = forms.ChoiceField(widget=InlineRadioSelect, choices=[("a", "A")], required=False)
    themes = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple,
        choices=[("1", "Un"), ("2", "Deux & <trois>")],
        help_text="Plusieurs",
    )
    inline_themes = forms.MultipleChoiceField(
        widget=InlineCheckboxSelectMultiple, choices=[("1", "Un")], required=False
    )


#: Invalid data for every field that may have an error.
_PROBE_DATA = {
    "title": "Beaucoup trop long",
    "kind": "zz",
    "day": "hier",
    "mode": "z",
    "themes": ["1", "9"],
    "summary": "<script>",
}


def _probe_fields(renderer) -> list[BoundField]:
    """The fields of `_ProbeForm` unbound (with initial values), bound with errors, and
    without ids under a prefix: new objects at each call."""
    variants = [
        _ProbeForm(renderer=renderer, initial={"title": "Déjà <là>", "themes": ["2"]}),
        _ProbeForm(_PROBE_DATA, renderer=renderer),
        _ProbeForm(renderer=renderer, auto_id=False, prefix='sessions-0-"x"'),
    ]
    return [form[name] for form in variants for name in form.fields]


def _admin_probes(template_name: str) -> list[dict]:
    """The contexts of the admin's own widgets, with values of every kind (none, text to
    escape, a date, a time, a URL and one that is not); for the related widget's wrapper, every
    combination of its links."""
    if template_name == ADMIN_WIDGETS + "related_widget_wrapper.html":
        urls = {
            "add_related_url": "/admin/events/format/add/",
            "delete_related_template_url": "/admin/events/format/__fk__/delete/",
            "change_related_template_url": "/admin/events/format/__fk__/change/",
            "view_related_url_params": "_to_field=id",
        }
        return [
            {
                "rendered_widget": mark_safe('<select name="format"></select>'),
                "name": 'format"x',
                "url_params": "_to_field=id&_popup=1&_source_model=events.event",
                "model": model,
                "model_name": "format",
                "is_hidden": flags[0],
                "can_add_related": flags[1],
                "can_change_related": flags[2],
                "can_delete_related": flags[3],
                "can_view_related": flags[4],
                "model_has_limit_choices_to": {"kind": 1} if flags[5] else None,
                **urls,
            }
            for flags in itertools.product((True, False), repeat=6)
            for model in (gettext_lazy("format & <co>"), "lab")
        ]
    name = template_name.removeprefix(ADMIN_WIDGETS)
    attrs = [None, {"id": 'id_"x'}, {"id": "id_x", "required": True, "disabled": False}]
    if name == "split_datetime.html":
        # The admin's own (a paragraph each) and the bare inputs (events.admin.inlines).
        bare = admin_widgets.AdminSplitDateTime()
        forms.MultiWidget.__init__(
            bare, [admin_widgets.BaseAdminDateWidget, admin_widgets.BaseAdminTimeWidget]
        )
        values = [None, datetime.datetime(2026, 11, 3, 9, 30), ["03/11/2026", "<b>9h</b>"]]
        return [
            widget.get_context('sessions-0-"x"', value, attr)
            for widget in (admin_widgets.AdminSplitDateTime(), bare)
            for value in values
            for attr in attrs
        ]
    widget = {
        "date.html": admin_widgets.AdminDateWidget(),
        "time.html": admin_widgets.AdminTimeWidget(),
        "url.html": admin_widgets.AdminURLFieldWidget(),
    }[name]
    values = [
        None,
        "",
        "Atelier <b>&amp;</b> « x »",
        datetime.date(2026, 11, 3),
        datetime.time(9, 30),
        "https://exemple.gouv.fr/a?b=1&c=<2>",
        "javascript:alert(1)",
    ]
    return [widget.get_context('sessions-0-"x"', value, attr) for value in values for attr in attrs]


def _select_probes() -> list[dict]:
    """Selects single and multiple, with groups, lazy and safe labels, text to escape, values
    chosen or not, and a select whose options are kept (`CachedOptionsSelect`)."""
    choices = [
        ("", "---------"),
        ("a", "A & <b>"),
        ("b", gettext_lazy("Yes")),
        ("Groupe « g »", [("c", mark_safe("<i>C</i>")), (3, "Trois")]),
    ]
    widgets = [
        forms.Select(choices=choices),
        forms.SelectMultiple(choices=choices),
        CachedOptionsSelect(choices=[("", "---------"), ("29", "Finistère"), ("2A", "Corse")]),
    ]
    attrs = [None, {"id": 'id_"x', "required": True, "disabled": False, "data-n": 2}]
    values = [None, "a", ["b", "c"], "3", "29", "<forgé>"]
    return [
        widget.get_context('sessions-0-"x"', value, attr)
        for widget in widgets
        for value in values
        for attr in attrs
    ]


def _probes(template_name: str, renderer) -> list[dict]:
    """Contexts that exercise what the function writes: values absent, empty, to escape or
    already safe; attributes true, false, numeric and to escape; fields of every kind."""
    if template_name.startswith(SNIPPETS):
        return [{"field": field} for field in _probe_fields(renderer)]
    if template_name.startswith(ADMIN_WIDGETS):
        return _admin_probes(template_name)
    if template_name == WIDGETS + "select.html":
        return _select_probes()
    attrs = [
        {},
        {"id": "id_x", "required": True, "disabled": False, "maxlength": 200},
        {"class": 'a "b" <c> & d', "aria-describedby": "x_helptext", "checked": True},
    ]
    if template_name in (WIDGETS + "radio_option.html", WIDGETS + "checkbox_option.html"):
        options = [
            {**subwidget.data, "wrap_label": wrap_label}
            for field in _probe_fields(renderer)
            if field.name in ("mode", "themes", "inline_themes")
            for subwidget in field.subwidgets
            for wrap_label in (True, False)
        ]
        return [{"widget": option} for option in options] + [
            {
                "widget": {
                    "type": kind,
                    "name": 'sessions-0-"x"',
                    "value": value,
                    "label": label,
                    "attrs": {**attr, "dsfr": "dsfr"} if dsfr else attr,
                    "wrap_label": True,
                }
            }
            for kind in ("radio", "checkbox")
            for value, label in ((None, "A & <b>"), (3, mark_safe("<i>sûr</i>")))
            for attr in attrs
            for dsfr in (True, False)
        ]
    values = [None, "", "Atelier « co-design » <b>&amp;</b> 'x'", 42, mark_safe("<i>sûr</i>")]
    if template_name == "django/forms/label.html":
        return [
            {"label": label, "use_tag": use_tag, "tag": "label", "attrs": attr}
            for label in ("Titre", "A & <b>", mark_safe("<abbr>Titre</abbr>"))
            for use_tag in (True, False)
            for attr in attrs
        ]
    return [
        {"widget": {"type": "text", "name": 'sessions-0-"x"', "value": value, "attrs": attr}}
        for value in values
        for attr in attrs
    ]


class FormRenderer(TemplatesSetting):
    """`TemplatesSetting` (the project's template dirs and apps, then Django's forms), with the
    templates of `FUNCTIONS` written in Python once checked equal (see the module)."""

    def __init__(self) -> None:
        super().__init__()
        self._checked: dict[str, bool] = {}
        self._lock = threading.Lock()

    def render(self, template_name, context, request=None):
        function = FUNCTIONS.get(template_name)
        if function is not None and request is None and self._equal(template_name, function):
            text = function(context)
            if text is not None:  # None: a context the function leaves to the template
                # As BaseRenderer.render: the text, stripped (Widget marks it safe).
                return text.strip()
        return super().render(template_name, context, request)

    def written_in_python(self, template_name: str) -> bool:
        """Whether this renderer writes `template_name` in Python (checked equal)."""
        function = FUNCTIONS.get(template_name)
        return function is not None and self._equal(template_name, function)

    def _equal(self, template_name: str, function: Callable[[dict], str | None]) -> bool:
        checked = self._checked.get(template_name)
        if checked is None:
            template = self.get_template(template_name)
            # Each side its own probes: rendering a field may change its widget's attributes.
            checked = all(
                text is None or template.render(probe).strip() == text.strip()
                for probe, text in zip(
                    _probes(template_name, self),
                    [function(probe) for probe in _probes(template_name, self)],
                    strict=True,
                )
            )
            with self._lock:
                self._checked[template_name] = checked
        return checked
