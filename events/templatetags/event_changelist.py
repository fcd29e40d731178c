"""The event list's tags: `{% event_result_list cl %}`, Django's `{% result_list cl %}` (the same
template, which a model or an app may override) with its rows written by
`events.admin.changelist.RowWriter`; `{% event_list_filter cl spec %}`, Django's
`{% admin_list_filter cl spec %}` with `admin/filter.html` written in Python once checked equal."""

from django import template
from django.contrib.admin.templatetags.base import InclusionAdminNode

from ..admin.changelist import render_filter, result_list

register = template.Library()


@register.tag(name="event_result_list")
def event_result_list_tag(parser, token):
    return InclusionAdminNode(
        "event_result_list",
        parser,
        token,
        func=result_list,
        template_name="change_list_results.html",
        takes_context=False,
    )


@register.simple_tag
def event_list_filter(changelist, spec):
    """Django's `{% admin_list_filter cl spec %}`, its `admin/filter.html` written by
    `events.admin.changelist.filter_html` once checked equal."""
    return render_filter(
        spec.template,
        {"title": spec.title, "choices": list(spec.choices(changelist)), "spec": spec},
    )
