"""The participants' satisfaction with an event, for its organisers: aggregated only, and
only from `results.survey.MIN_ANSWERS` answers (below that, « pas assez de réponses » and no
figure); the comments without any name or address."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from events.models import Event
from results.survey import MIN_ANSWERS, survey_results

from ..permissions import event_member_required
from .common import breadcrumb


@event_member_required
def event_survey(request: HttpRequest, event: Event) -> HttpResponse:
    heading = f"Avis des participants sur «\u00a0{event.title}\u00a0»"
    response = render(
        request,
        "organizer_space/survey/results.html",
        {
            "title": heading,
            "heading": heading,
            "event": event,
            "results": survey_results(event),
            "min_answers": MIN_ANSWERS,
            "breadcrumb_data": breadcrumb("Avis des participants"),
        },
    )
    response["Cache-Control"] = "private, no-store"
    return response
