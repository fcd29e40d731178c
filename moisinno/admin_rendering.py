"""Two of the admin's templates written in Python: a change form's fieldset
(`admin/includes/fieldset.html`) and a tabular inline (`admin/edit_inline/tabular.html`).

An event's change page renders nine fieldsets of about fifty fields and five inline tables;
the template engine resolving `field.field.name`, `line.fields|length`… some 4,000 times a page
cost more than half of its 90 ms. These functions write the same markup (the same elements,
attributes and text; whitespace only where the template has some) from the same admin objects
(`Fieldset`, `Fieldline`, `AdminField`, `InlineAdminFormSet`…), which still do the work of
labels, widgets, read-only contents and errors.

Django's templates stay the reference: `tests/moisinno/test_admin_rendering.py` renders whole
change pages both ways (with `ADMIN_TEMPLATES_IN_PYTHON` off, the tags include Django's
templates, or an override of them found by the loaders) and requires the same markup, so a
Django upgrade that changes a template fails there. What the functions do not know (a
collapsible fieldset, an inline whose rows link to their own change page) is left to the
template: they return None and the tag includes it.
"""

from django.contrib.admin.helpers import Fieldset, InlineAdminFormSet
from django.contrib.admin.templatetags.admin_modify import cell_count
from django.template.defaultfilters import capfirst, striptags
from django.templatetags.static import static
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext

FIELDSET_TEMPLATE = "admin/includes/fieldset.html"
TABULAR_TEMPLATE = "admin/edit_inline/tabular.html"


def _e(value) -> str:
    """`{{ value }}`: escaped unless safe (the admin's values here are never numbers to
    localise, except the ids' counters, which `str` writes as the template does)."""
    return conditional_escape(value)


def _help(help_text, is_hidden: bool, id_for_label: str | None) -> str:
    hidden = " hidden" if is_hidden else ""
    id_attribute = f' id="{_e(id_for_label)}_helptext"' if id_for_label else ""
    return f'<div class="help{hidden}"{id_attribute}>\n<div>{help_text}</div>\n</div>\n'


def _field_box(line_size: int, line_errors: str, field) -> str:
    """One field of a fieldset's line: its box, label, help text, errors and widget
    (`line_errors`: the line's, shown in the box of a line's only field)."""
    readonly = field.is_readonly
    # AdminField: a BoundField; AdminReadonlyField: a dict describing the field.
    bound = field.field
    if readonly:
        name, help_text, is_hidden = bound["name"], bound["help_text"], bound["is_hidden"]
        id_for_label = None
        is_fieldset = False
    else:
        name, help_text, is_hidden = bound.name, bound.help_text, bound.is_hidden
        id_for_label = bound.id_for_label
        is_fieldset = field.is_fieldset
    classes = ["flex-container"]
    if (not readonly and field.errors()) or (line_size == 1 and line_errors):
        classes.append("errors")
    if line_size != 1:
        classes.append("fieldBox")
        if name:
            classes.append(f"field-{_e(name)}")
        if is_hidden:
            classes.append("hidden")
    if field.is_checkbox:
        classes.append("checkbox-row")
    parts = []
    if is_fieldset:
        described = f' aria-describedby="{_e(id_for_label)}_helptext"' if help_text else ""
        parts.append(f"<fieldset{described}>{_e(field.label_tag())}")
    parts.append(f'\n<div class="{" ".join(classes)}">\n')
    if field.is_checkbox:
        parts.append(f'<div class="checkbox">\n{_e(bound)}\n')
        if not is_fieldset:
            parts.append(f"{_e(field.label_tag())}\n")
        parts.append("</div>\n")
    elif not is_fieldset:
        parts.append(f"{_e(field.label_tag())}\n")
    if help_text:
        parts.append(_help(help_text, is_hidden, id_for_label))
    if line_size == 1:
        parts.append(f"{_e(line_errors)}\n")
    elif not readonly:
        parts.append(f"{_e(field.errors())}\n")
    if not field.is_checkbox:
        if readonly:
            parts.append(f'<div class="readonly">{_e(field.contents())}</div>\n')
        else:
            parts.append(f"{_e(bound)}\n")
    parts.append("</div>\n")
    if is_fieldset:
        parts.append("</fieldset>\n")
    return "".join(parts)


def fieldset_html(
    fieldset: Fieldset, *, heading_level=2, prefix="", id_prefix="", id_suffix=""
) -> SafeString | None:
    """`admin/includes/fieldset.html` with these values; None for a collapsible fieldset."""
    if fieldset.is_collapsible:
        return None
    heading_id = f"{_e(prefix)}-{_e(id_prefix)}-{_e(id_suffix)}-heading"
    level = _e(heading_level or 2)
    labelled = f' aria-labelledby="{heading_id}"' if fieldset.name else ""
    parts = [f'<fieldset class="module aligned {_e(fieldset.classes)}"{labelled}>\n']
    if fieldset.name:
        parts.append(
            f'<h{level} id="{heading_id}" class="fieldset-heading">{_e(fieldset.name)}</h{level}>\n'
        )
    if fieldset.description:
        parts.append(f'<div class="description">{fieldset.description}</div>\n')
    for line in fieldset:
        fields = list(line)
        size = len(line.fields)
        classes = ["form-row"]
        if size != 1:
            classes.append("flex-container form-multiline")
        if not line.has_visible_field:
            classes.append("hidden")
        for field in fields:
            name = field.field["name"] if field.is_readonly else field.field.name
            if name:
                classes.append(f"field-{_e(name)}")
        parts.append(f'<div class="{" ".join(classes)}">\n')
        line_errors = line.errors() if size == 1 else ""
        parts.extend(_field_box(size, line_errors, field) for field in fields)
        parts.append("</div>\n")
    parts.append("</fieldset>\n")
    return SafeString("".join(parts))


def _column_heading(field: dict) -> str:
    classes = [f"column-{_e(field['name'])}"]
    if field["required"]:
        classes.append("required")
    # A dict for a read-only column, the form field's widget otherwise.
    widget = field["widget"]
    if widget["is_hidden"] if isinstance(widget, dict) else widget.is_hidden:
        classes.append("hidden")
    help_icon = ""
    if field["help_text"]:
        text = _e(striptags(field["help_text"]))
        help_icon = (
            f'\n<img src="{_e(static("admin/img/icon-unknown.svg"))}" class="help help-tooltip" '
            f'width="10" height="10" alt="({text})" title="{text}">'
        )
    return f'<th class="{" ".join(classes)}">{_e(capfirst(field["label"]))}{help_icon}\n</th>\n'


def _cell(field) -> str:
    readonly = field.is_readonly
    name = field.field["name"] if readonly else field.field.name
    is_hidden = field.field["is_hidden"] if readonly else field.field.is_hidden
    classes = (f"field-{_e(name)}" if name else "") + (" hidden" if is_hidden else "")
    if readonly:
        inner = f"<p>{_e(field.contents())}</p>"
    else:
        inner = f"{_e(field.field.errors.as_ul())}\n{_e(field.field)}"
    return f'<td class="{classes}">\n{inner}\n</td>\n'


def tabular_html(formset: InlineAdminFormSet, *, last: bool) -> SafeString | None:
    """`admin/edit_inline/tabular.html` for this inline (`last`: the template's `forloop.last`,
    the last inline of the page); None for what the function leaves to the template."""
    if formset.is_collapsible or formset.opts.show_change_link:
        return None
    forms = formset.formset
    prefix = _e(forms.prefix)
    can_delete = forms.can_delete and formset.has_delete_permission
    parts = [
        f'<div class="js-inline-admin-formset inline-group" id="{prefix}-group"\n'
        f'data-inline-type="tabular"\ndata-inline-formset="{_e(formset.inline_formset_data())}">\n'
        f'<div class="tabular inline-related {"last-related" if last else ""}">\n'
        f"{_e(forms.management_form)}\n"
        f'<fieldset class="module {_e(formset.classes)}" aria-labelledby="{prefix}-heading">\n'
        f'<h2 id="{prefix}-heading" class="inline-heading">\n'
    ]
    verbose = formset.opts.verbose_name if forms.max_num == 1 else formset.opts.verbose_name_plural
    parts.append(f"{_e(capfirst(verbose))}\n</h2>\n{_e(forms.non_form_errors())}\n")
    parts.append('<div class="wrapper">\n<table>\n<thead><tr>\n<th class="original"></th>\n')
    parts.extend(_column_heading(field) for field in formset.fields())
    delete_heading = _e(gettext("Delete?")) if can_delete else ""
    parts.append(f"<th>{delete_heading}</th>\n</tr></thead>\n<tbody>\n")
    rows = list(formset)
    for index, row in enumerate(rows):
        if row.form.non_field_errors():
            parts.append(
                f'<tr class="row-form-errors"><td colspan="{cell_count(row)}">'
                f"{_e(row.form.non_field_errors())}</td></tr>\n"
            )
        is_empty_form = index == len(rows) - 1 and formset.has_add_permission
        row_class = "form-row " + ("has_original" if row.original or row.show_url else "")
        if is_empty_form:
            row_class += " empty-form"
        parts.append(
            f'<tr class="{row_class}"\n'
            f'id="{prefix}-{"empty" if is_empty_form else index}">\n<td class="original">\n'
        )
        if row.original or row.show_url:
            parts.append("<p>\n")
            if row.original:
                parts.append(f"{_e(row.original)}\n")
            if row.show_url:
                parts.append(f'<a href="{_e(row.absolute_url)}">{_e(gettext("View on site"))}</a>')
            parts.append("\n</p>")
        if row.needs_explicit_pk_field():
            parts.append(f"\n{_e(row.pk_field().field)}")
        fk_field = row.fk_field()
        if fk_field:
            parts.append(f"\n{_e(fk_field.field)}")
        parts.append("\n</td>\n")
        for fieldset in row:
            for line in fieldset:
                parts.extend(_cell(field) for field in line)
        deletion = ""
        if can_delete and row.original:
            deletion = _e(row.deletion_field().field)
        parts.append(f'<td class="delete">{deletion}</td>\n</tr>\n')
    parts.append("</tbody>\n</table>\n</div>\n</fieldset>\n</div>\n</div>\n")
    return SafeString("".join(parts))


class InlineMediaOnce(InlineAdminFormSet):
    """An inline's scripts and styles, read from its formset once rather than from each row.

    Django's `InlineAdminFormSet.media` adds up the media of every row's form (building each
    row's admin wrappers a second time, for the event's page 7 ms of 80); the rows of a formset
    share one form class, whose media is the formset's. `with_media_once` gives the admin's
    inline wrappers this class."""

    @property
    def media(self):
        return self.opts.media + self.formset.media


def with_media_once(inline_admin_formsets: list[InlineAdminFormSet]) -> list[InlineAdminFormSet]:
    """The inline wrappers of a change page, their media read once (`InlineMediaOnce`)."""
    for inline_admin_formset in inline_admin_formsets:
        if type(inline_admin_formset) is InlineAdminFormSet:
            inline_admin_formset.__class__ = InlineMediaOnce
    return inline_admin_formsets
