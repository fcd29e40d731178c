"""The admin's fieldset and tabular inline written in Python (`moisinno.admin_rendering`).

`{% admin_fieldset fieldset heading_level=2 prefix="fieldset" id_prefix=0 id_suffix=… %}`
stands for `{% include "admin/includes/fieldset.html" with … %}`, and
`{% admin_tabular inline_admin_formset %}` for the tabular inline's template (an inline's
`template` is `admin/edit_inline/tabular_in_python.html`). With `ADMIN_TEMPLATES_IN_PYTHON`
off, or for what the functions leave to them, they include Django's templates.
"""

from django import template
from django.conf import settings

from moisinno.admin_rendering import (
    FIELDSET_TEMPLATE,
    TABULAR_TEMPLATE,
    fieldset_html,
    tabular_html,
)

register = template.Library()


def _include(context, template_name: str, **values) -> str:
    """`{% include template_name with values %}`."""
    included = context.template.engine.get_template(template_name)
    with context.push(**values):
        return included.render(context)


@register.simple_tag(takes_context=True)
def admin_fieldset(context, fieldset, heading_level=2, prefix="", id_prefix="", id_suffix=""):
    values = {
        "heading_level": heading_level,
        "prefix": prefix,
        "id_prefix": id_prefix,
        "id_suffix": id_suffix,
    }
    html = fieldset_html(fieldset, **values) if settings.ADMIN_TEMPLATES_IN_PYTHON else None
    return (
        html
        if html is not None
        else _include(context, FIELDSET_TEMPLATE, fieldset=fieldset, **values)
    )


@register.simple_tag(takes_context=True)
def admin_tabular(context, inline_admin_formset):
    last = context.get("forloop", {}).get("last", False)
    html = (
        tabular_html(inline_admin_formset, last=last)
        if settings.ADMIN_TEMPLATES_IN_PYTHON
        else None
    )
    return html if html is not None else _include(context, TABULAR_TEMPLATE)
