"""`{% event_result_list cl %}`: Django's `{% result_list cl %}` (the same template, which a
model or an app may override), its rows written by `events.admin.changelist.RowWriter`."""

from django import template
from django.contrib.admin.templatetags.base import InclusionAdminNode

from ..admin.changelist import result_list

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
