"""Form widget markup written in Python where Django's templates cost too much.

A select's options: Django's select.html includes a template per option, which includes
another for its attributes, and even a loop over them in a template costs about as much as the
rest of a page's form (a department list has 101 options, on each session of an event's form).
`select_options` writes the same markup as select.html, select_option.html and attrs.html.
"""

from django import template
from django.template.loader import render_to_string
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


def _text(value) -> str:
    """`{{ value|stringformat:'s' }}`."""
    try:
        return "%s" % value  # noqa: UP031 - what Django's stringformat filter does
    except (ValueError, TypeError):
        return ""


def _attributes(attrs: dict) -> str:
    """attrs.html: ` name="value"`, ` name` for True, nothing for False."""
    return "".join(
        format_html(" {}", name) if value is True else format_html(' {}="{}"', name, _text(value))
        for name, value in attrs.items()
        if value is not False
    )


@register.simple_tag
def select_options(optgroups) -> SafeString:
    """The options (and option groups) of a select widget's context, as select.html writes
    them; an option with a template of its own is rendered by it. Options already written
    (`moisinno.forms.CachedOptionsSelect`) are written as they are."""
    if markup := getattr(optgroups, "markup", None):  # moisinno.forms.KeptOptions
        return markup
    parts = []
    for group_name, group_choices, _index in optgroups:
        if group_name:
            parts.append(format_html('\n  <optgroup label="{}">', group_name))
        for option in group_choices:
            parts.append("\n  ")
            if option["template_name"] == OPTION_TEMPLATE:
                parts.append(
                    format_html(
                        '<option value="{}"{}>{}</option>\n',
                        _text(option["value"]),
                        mark_safe(_attributes(option["attrs"])),  # noqa: S308 - escaped above
                        conditional_escape(option["label"]),
                    )
                )
            else:
                parts.append(render_to_string(option["template_name"], {"widget": option}))
        if group_name:
            parts.append("\n  </optgroup>")
    return mark_safe("".join(parts))  # noqa: S308 - every part is escaped
