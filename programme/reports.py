"""« Signaler une erreur sur cet événement »: the visitor's form, on its own page.

The event page is served from the shared page cache, which forbids CSRF tokens: the form lives
at `/evenements/<slug>/signaler/`, never cached, linked from the event page. Rate-limited per
IP address, with a honeypot field that people do not see and robots fill in."""

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from dsfr.forms import DsfrBaseForm

from events.models import EventReport
from events.reports import report_create
from moisinno.forms import error_summary
from moisinno.ratelimit import client_ip, rate_limited

from .selectors import public_event

RATE_LIMIT = 5  # reports per IP address
RATE_PERIOD = 3600  # seconds
TITLE = "Signaler une erreur sur cet événement"


class EventReportForm(DsfrBaseForm):
    kind = forms.ChoiceField(
        label="Qu’est-ce qui est erroné ?",
        choices=EventReport.Kind.choices,
        # A class of our own: django-dsfr otherwise adds a `dsfr` attribute to each radio,
        # which is not valid HTML (the Nu checker says so).
        widget=forms.RadioSelect(attrs={"class": "moisinno-radio"}),
        error_messages={"required": "Indiquez ce qui est erroné."},
    )
    message = forms.CharField(
        label="Votre message",
        help_text="Ce qui est erroné et, si vous la connaissez, l’information exacte.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": "Décrivez l’erreur en quelques mots.",
            "max_length": "Votre message dépasse 2 000 caractères : raccourcissez-le.",
        },
    )
    email = forms.EmailField(
        label="Votre adresse électronique (facultatif)",
        help_text="Pour recevoir la réponse de l’équipe. Format attendu : nom@domaine.fr",
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={"invalid": "Saisissez une adresse électronique valide, nom@domaine.fr."},
    )
    # The honeypot: hidden from people (CSS and the accessibility tree), filled in by robots.
    site_web = forms.CharField(
        label="Laissez ce champ vide",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )


def _wait_message(seconds: int) -> str:
    minutes = max(1, (seconds + 59) // 60)
    return (
        "Trop de signalements ont été envoyés en peu de temps depuis votre connexion. "
        f"Réessayez dans {minutes}\u00a0minute{'s' if minutes > 1 else ''}."
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def event_report(request: HttpRequest, slug: str) -> HttpResponse:
    event = public_event(slug=slug)
    if event is None:
        raise Http404("Aucun événement public à cette adresse.")
    form = EventReportForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            if form.cleaned_data["site_web"]:
                # A robot: answer as if it worked, keep nothing.
                return redirect(reverse("events:report_sent", kwargs={"slug": event.slug}))
            wait = rate_limited(
                f"reports:ip:{client_ip(request)}", limit=RATE_LIMIT, period=RATE_PERIOD
            )
            if not wait:
                report_create(
                    event=event,
                    kind=form.cleaned_data["kind"],
                    message=form.cleaned_data["message"],
                    email=form.cleaned_data["email"],
                )
                return redirect(reverse("events:report_sent", kwargs={"slug": event.slug}))
            form.add_error(None, _wait_message(wait))
            status = 429
        else:
            status = 400
    return render(
        request,
        "programme/event_report.html",
        {
            "title": TITLE,
            "event": event,
            "form": form,
            "errors": error_summary(form),
            "breadcrumb_data": {
                "links": [{"url": event.get_absolute_url(), "title": event.title}],
                "current": "Signaler une erreur",
            },
        },
        status=status,
    )


@never_cache
@require_http_methods(["GET", "HEAD"])
def event_report_sent(request: HttpRequest, slug: str) -> HttpResponse:
    event = public_event(slug=slug)
    if event is None:
        raise Http404("Aucun événement public à cette adresse.")
    return render(
        request,
        "programme/event_report_sent.html",
        {
            "title": "Merci pour votre signalement",
            "event": event,
            "breadcrumb_data": {
                "links": [{"url": event.get_absolute_url(), "title": event.title}],
                "current": "Signalement envoyé",
            },
        },
    )
