"""The form renderer: Django's `TemplatesSetting`, with the commonest widget templates written
in Python.

Every input of a form costs two templates (text.html includes input.html) and a label one
more; an event's change page in the admin renders about 130 of them, a third of its time. Here
the plain inputs, the textarea and the label are written by functions that give the same
markup as the templates. What the templates say stays the reference: the first time a process
renders one of these names, its function is compared with the template (whichever template
the loaders find: ours, django-dsfr's or Django's) on a set of probes (values, booleans,
characters to escape); a template that gives anything else keeps being rendered as a
template. `tests/moisinno/test_form_renderer.py` compares whole pages both ways.
"""

import threading
from collections.abc import Callable

from django.forms.renderers import TemplatesSetting
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe

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


def _string(value) -> str:
    """`{{ value|stringformat:'s' }}`: the value as text, escaped unless it is safe."""
    try:
        text = "%s" % value  # noqa: UP031 - what Django's stringformat filter does
    except (ValueError, TypeError):
        return ""
    return text if isinstance(value, SafeData) else conditional_escape(text)


def attributes(attrs: dict) -> str:
    """attrs.html: ` name="value"`, ` name` for True, nothing for False."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(f" {conditional_escape(name)}")
        if value is not True:
            parts.append(f'="{_string(value)}"')
    return "".join(parts)


def _input(context: dict) -> str:
    widget = context["widget"]
    value = widget.get("value")
    shown = "" if value is None else f' value="{_string(value)}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}" '
        f'name="{conditional_escape(widget["name"])}"{shown}{attributes(widget["attrs"])}>\n'
    )


def _textarea(context: dict) -> str:
    widget = context["widget"]
    value = widget.get("value")
    text = conditional_escape(value) if value else ""
    return (
        f'<textarea name="{conditional_escape(widget["name"])}"{attributes(widget["attrs"])}>\n'
        f"{text}</textarea>\n"
    )


def _label(context: dict) -> str:
    label = conditional_escape(context["label"])
    if not context.get("use_tag"):
        return f"{label}\n"
    tag = conditional_escape(context["tag"])
    return f"<{tag}{attributes(context.get('attrs') or {})}>{label}</{tag}>\n"


FUNCTIONS: dict[str, Callable[[dict], str]] = {
    WIDGETS + "input.html": _input,
    WIDGETS + "textarea.html": _textarea,
    "django/forms/label.html": _label,
    **{f"{WIDGETS}{kind}.html": _input for kind in INPUT_TYPES},
}


def _probes(template_name: str) -> list[dict]:
    """Contexts that exercise what the function writes: values absent, empty, to escape or
    already safe; attributes true, false, numeric and to escape."""
    attrs = [
        {},
        {"id": "id_x", "required": True, "disabled": False, "maxlength": 200},
        {"class": 'a "b" <c> & d', "aria-describedby": "x_helptext", "checked": True},
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
            # As BaseRenderer.render: the text, stripped (Widget marks it safe).
            return function(context).strip()
        return super().render(template_name, context, request)

    def written_in_python(self, template_name: str) -> bool:
        """Whether this renderer writes `template_name` in Python (checked equal)."""
        function = FUNCTIONS.get(template_name)
        return function is not None and self._equal(template_name, function)

    def _equal(self, template_name: str, function: Callable[[dict], str]) -> bool:
        checked = self._checked.get(template_name)
        if checked is None:
            template = self.get_template(template_name)
            checked = all(
                template.render(probe).strip() == function(probe).strip()
                for probe in _probes(template_name)
            )
            with self._lock:
                self._checked[template_name] = checked
        return checked
