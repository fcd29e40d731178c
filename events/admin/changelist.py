"""The event list's change list: the rows it reads, and their cells written once per column.

Django's `items_for_result` works out, for each of the page's 600-odd cells, what its column
is (a field, a choice, a boolean, a method of the admin), reverses and resolves the row's
address and formats its cell through `format_html`: half of the page's time at 50 rows.
`RowWriter` works the columns out once per page and gives the same markup. Django's function
stays the reference: a column `RowWriter` does not know (a lookup through relations, a model
property or method, a callable, a field Django created) and a list that is not the plain page
(a pop-up, `to_field`, editable rows) are written by Django's, and
`tests/events/test_admin_changelist.py` compares whole pages both ways.

The filters' sidebar renders `admin/filter.html` eleven times, 130-odd links: `filter_html`
writes the same markup. As for the widgets of `moisinno.form_renderer`, the template stays the
reference: the first time a process (in a language) renders it, the function is compared with
whichever `admin/filter.html` the loaders find, on a set of probes, and a template that gives
anything else keeps being rendered as a template.
"""

import datetime
import threading
from types import SimpleNamespace

from django.contrib.admin.templatetags.admin_list import (
    ResultList,
    result_headers,
    result_hidden_fields,
    results,
)
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import display_for_field, display_for_value, quote
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models
from django.template import Context
from django.template.base import render_value_in_context
from django.template.loader import get_template
from django.urls import NoReverseMatch, reverse
from django.utils.encoding import iri_to_uri
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, gettext_lazy

#: The stand-in for a row's key in the change page's address, reversed once per page.
KEY = "KEY"


class RowWriter:
    """The cells of a change list's rows, as Django's `items_for_result` writes them (see the
    module): `columns()` is None when a column or the list is not one it writes."""

    def __init__(self, changelist: ChangeList) -> None:
        self.cl = changelist
        self.empty = changelist.model_admin.get_empty_value_display()
        self._link_template: str | None = None

    def columns(self) -> list[tuple] | None:
        """For each column: the function giving a row's cell class and content, the class
        when the row has no related object to show, whether it links to the change page, and
        its tag."""
        cl = self.cl
        if cl.formset is not None or cl.is_popup or cl.to_field:
            return None
        columns = []
        first = True
        for name in cl.list_display:
            if not isinstance(name, str):
                return None
            if cl.list_display_links is None:
                link = False
            elif first and not cl.list_display_links:
                link = True
            else:
                link = name in cl.list_display_links
            cell = self._field_cell(name, link) or self._admin_cell(name)
            if cell is None:
                return None
            tag = "td"
            if link:
                tag = "th" if first else "td"
                first = False
            columns.append((cell, f' class="field-{name}"', link, tag))
        return columns

    def _field_cell(self, name: str, link: bool):
        """A model field's cell, None for a name `lookup_field` does not read as a field (a
        generic or reverse relation, a foreign key's column), a many-to-many field or a field
        Django created."""
        try:
            field = self.cl.lookup_opts.get_field(name)
        except FieldDoesNotExist:
            return None
        if field.auto_created or field.many_to_many:
            return None
        if field.is_relation and (
            (field.many_to_one and not field.related_model)
            or field.one_to_many
            or field.attname == name
        ):
            return None
        classes = f"field-{name}"
        if isinstance(field, models.DateField | models.TimeField | models.ForeignKey):
            classes += " nowrap"
        row_class = f' class="{classes}"'
        empty = self.empty

        if isinstance(field.remote_field, models.ManyToOneRel):

            def cell(result):
                value = getattr(result, name)
                return row_class, empty if value is None else conditional_escape(value)

        elif getattr(field, "flatchoices", None):
            try:
                labels = {key: conditional_escape(label) for key, label in field.flatchoices}
            except TypeError:
                return None

            def cell(result):
                return row_class, labels.get(getattr(result, name), empty)

        elif isinstance(field, models.BooleanField):
            icons = {value: display_for_field(value, field, empty) for value in (True, False, None)}

            def cell(result):
                value = getattr(result, name)
                if value is True or value is False or value is None:
                    return row_class, icons[value]
                return row_class, conditional_escape(
                    display_for_field(value, field, empty, avoid_link=link)
                )

        else:

            def cell(result):
                shown = display_for_field(getattr(result, name), field, empty, avoid_link=link)
                return row_class, conditional_escape(shown)

        return cell

    def _admin_cell(self, name: str):
        """A method of the ModelAdmin's (`action_checkbox` among them)."""
        model_admin = self.cl.model_admin
        if name == "__str__" or not hasattr(model_admin, name):
            return None
        method = getattr(model_admin, name)
        if not callable(method):
            return None
        empty = getattr(method, "empty_value_display", self.empty)
        boolean = getattr(method, "boolean", False)
        classes = "action-checkbox" if name == "action_checkbox" else f"field-{name}"
        plain, dated = f' class="{classes}"', f' class="{classes} nowrap"'

        def cell(result):
            value = method(result)
            shown = conditional_escape(display_for_value(value, empty, boolean))
            return (dated if isinstance(value, datetime.date | datetime.time) else plain), shown

        return cell

    def _link(self, result) -> str | None:
        """The change page's address with the list's filters, as `add_preserved_filters`
        writes it (the filters are the same for every row: computed once)."""
        if self._link_template is None:
            try:
                stand_in = SimpleNamespace(pk=KEY, **{self.cl.pk_attname: KEY})
                url = self.cl.url_for_result(stand_in)
            except NoReverseMatch:
                self._link_template = ""
            else:
                self._link_template = conditional_escape(
                    add_preserved_filters(
                        {"preserved_filters": self.cl.preserved_filters, "opts": self.cl.opts},
                        url,
                    )
                )
        if not self._link_template:
            return None
        return self._link_template.replace(f"/{KEY}/", f"/{quote(result.pk)}/", 1)

    def rows(self, columns) -> list[SafeString]:
        """Each row's cells, in one string (the template writes its cells one after the
        other)."""
        rows = []
        for result in self.cl.result_list:
            cells = []
            for cell, bare_class, link, tag in columns:
                try:
                    row_class, shown = cell(result)
                except ObjectDoesNotExist:
                    row_class, shown = bare_class, self.empty
                if link:
                    url = self._link(result)
                    if url is not None:
                        shown = f'<a href="{url}">{shown}</a>'
                cells.append(f"<{tag}{row_class}>{shown}</{tag}>")
            rows.append(mark_safe("".join(cells)))  # noqa: S308 - every value is escaped
        return rows


def result_list(changelist: ChangeList) -> dict:
    """Django's `result_list` (the `{% result_list %}` tag's context), its rows written by
    `RowWriter` when it knows their columns."""
    writer = RowWriter(changelist)
    columns = writer.columns()
    headers = list(result_headers(changelist))
    # With the writer, one item per row: the template writes a row's items one after another.
    rows = (
        list(results(changelist))
        if columns is None
        else [ResultList(None, [row]) for row in writer.rows(columns)]
    )
    return {
        "cl": changelist,
        "result_hidden_fields": list(result_hidden_fields(changelist)),
        "result_headers": headers,
        "num_sorted_fields": sum(1 for h in headers if h["sortable"] and h["sorted"]),
        "results": rows,
    }


FILTER_TEMPLATE = "admin/filter.html"
#: For each `admin/filter.html` found (its origin) and language: whether `filter_html` writes it.
FILTER_CHECKS: dict[tuple[str, str], bool] = {}
_filter_lock = threading.Lock()


#: A template's context as `_shown` reads it: autoescaping, localising.
_CONTEXT = Context()


def _shown(value) -> str:
    """`{{ value }}` in a template: localised, then escaped unless safe."""
    if type(value) is str:
        return escape(value)
    return render_value_in_context(value, _CONTEXT)


def filter_html(context: dict) -> str:
    """Django's `admin/filter.html`: the filter's title, then a link for each choice."""
    title = _shown(context["title"])
    heading = gettext(" By %(filter_title)s ") % {"filter_title": title}
    items = "".join(
        f"\n    <li{' class="selected"' if choice['selected'] else ''}>\n"
        f'    <a href="{escape(iri_to_uri(choice["query_string"]))}">'
        f"{_shown(choice['display'])}</a></li>\n  "
        for choice in context["choices"]
    )
    return (
        f'\n<details data-filter-title="{title}" open>\n  <summary>\n    {heading}\n'
        f"  </summary>\n  <ul>\n  {items}\n  </ul>\n</details>\n"
    )


def _filter_probes() -> list[dict]:
    """Titles and choices to escape, selected or not, with and without a query string to
    encode, a lazy and a numeric display, none at all."""
    choices = [
        {"selected": True, "query_string": "?", "display": "Tous"},
        {"selected": False, "query_string": "?a=1&b=%C3%A9&c=é ô", "display": "L'« été » & <b>"},
        {"selected": 1, "query_string": "?status=tous", "display": mark_safe("<i>sûr</i>")},
        {"selected": 0, "query_string": '?q="x"', "display": gettext_lazy("Yes")},
        {"selected": None, "query_string": "?n=2", "display": 1234},
    ]
    return [
        {"title": title, "choices": some, "spec": None}
        for title in ("statut", "type d'organisation <b> & co", mark_safe("<abbr>x</abbr>"))
        for some in (choices, choices[:1], [])
    ]


def render_filter(template_name: str, context: dict) -> str:
    """`template_name` rendered with `context`: by `filter_html` when it is Django's
    `admin/filter.html` template, checked equal (see the module)."""
    template = get_template(template_name)
    if template_name == FILTER_TEMPLATE:
        key = (template.origin.name, get_language() or "")
        checked = FILTER_CHECKS.get(key)
        if checked is None:
            checked = all(
                template.render(probe) == filter_html(probe) for probe in _filter_probes()
            )
            with _filter_lock:
                FILTER_CHECKS[key] = checked
        if checked:
            return mark_safe(filter_html(context))  # noqa: S308 - every value is escaped
    return template.render(context)


class EventChangeList(ChangeList):
    """The queue's page reads, for its rows, only the columns it shows and their organisation:
    an event row holds its description, summary and some forty other fields, and the related
    edition and format, none of them on the list (a fifth of the page's time at 50 rows). The
    bulk actions and the exports read the whole rows."""

    ROW_FIELDS = (
        "title",
        "organization__name",
        "organization__kind",
        "region",
        "starts_on",
        "ends_on",
        "status",
        "derogation_requested",
        "changed_since_validation",
        "submitted_at",
    )

    def url_for_result(self, result) -> str:
        # Django reverses the change page's address for each row (the URL patterns walked 50
        # times): reversed once here, with a stand-in for the key.
        if not hasattr(self, "_change_url"):
            self._change_url = reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
                args=(KEY,),
                current_app=self.model_admin.admin_site.name,
            )
        return self._change_url.replace(f"/{KEY}/", f"/{quote(result.pk)}/", 1)

    def get_results(self, request):
        # Only for the page's rows: `queryset` stays whole (the export reads it).
        whole = self.queryset
        self.queryset = whole.select_related(None).select_related("organization")
        self.queryset = self.queryset.only(*self.ROW_FIELDS)
        try:
            super().get_results(request)
        finally:
            self.queryset = whole
