"""The participants' satisfaction survey, from the signed link of its e-mail (no account).

Like the registrant's pages (programme/registration_views.py), one person's page: never
page-cached nor stored (`private, no-store`), never indexed, and its URL (the token) never
sent as a referrer. `strict-origin`, not `no-referrer`: under `no-referrer` Chromium sends
`Origin: null` with the page's own form, which Django's CSRF check refuses.

A tampered link: 404. A registration deleted since: 410. Answered already: « Merci, vous avez
déjà répondu », never the form again.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from moisinno.formatting import session_label
from moisinno.forms import error_summary
from moisinno.links import ExpiredLink, InvalidLink
from results.survey import AlreadyAnswered, registration_from_survey_token, survey_answer

from .private import private_page
from .survey_forms import SurveyForm


def _link_error(request: HttpRequest, *, gone: bool) -> HttpResponse:
    return render(
        request,
        "programme/survey/link_error.html",
        {"title": "Questionnaire indisponible" if gone else "Lien invalide", "gone": gone},
        status=410 if gone else 404,
    )


@private_page
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def answer(request: HttpRequest, token: str) -> HttpResponse:
    try:
        registration = registration_from_survey_token(token)
    except InvalidLink:
        return _link_error(request, gone=False)
    except ExpiredLink:
        return _link_error(request, gone=True)
    event = registration.session.event
    context = {"event": event, "session_label": session_label(registration.session)}
    if registration.survey.answered_at is not None:
        return render(request, "programme/survey/thanks.html", {**context, "already": True})
    form = SurveyForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                survey_answer(
                    registration,
                    overall=data["overall"],
                    would_recommend=data["would_recommend"],
                    will_reuse_method=data["will_reuse_method"],
                    comment=data["comment"],
                )
            except AlreadyAnswered:
                return render(request, "programme/survey/thanks.html", {**context, "already": True})
            return render(request, "programme/survey/thanks.html", {**context, "already": False})
        status = 400
    return render(
        request,
        "programme/survey/form.html",
        {**context, "form": form, "errors": error_summary(form)},
        status=status,
    )
