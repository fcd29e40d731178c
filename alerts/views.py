"""Pages of the e-mail alerts: subscribe, confirm, unsubscribe, manage one's alerts.

Signed links that fail give a French page (404 when tampered with, 410 when expired), never
a 500. Unsubscribing accepts a POST without CSRF token: mail clients send it (RFC 8058).
"""

import contextlib

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from events.selectors import current_edition
from moisinno.forms import error_summary
from moisinno.links import ExpiredLink, InvalidLink
from moisinno.ratelimit import client_ip, rate_limited
from programme.selectors import programme_events

from .forms import AlertSubscribeForm
from .models import Alert
from .services import (
    CONFIRMATION_DAYS,
    SelectionTooLong,
    address_key,
    alert_confirm,
    alert_delete,
    alert_from_confirm_token,
    alert_from_manage_token,
    alert_id_from_unsubscribe_token,
    alert_subscribe,
    alerts_delete_all,
    manage_token,
    normalize_email,
    programme_url,
    selection_labels,
    selection_query,
)

# Subscriptions per hour: from one IP address (a shared office network sends a few), and to
# one address (no one is flooded with confirmation e-mails).
RATE_PER_IP = 10
RATE_PER_ADDRESS = 3
RATE_PERIOD = 3600

TITLE = "Recevoir les nouveaux événements par courriel"


def _link_error(request: HttpRequest, *, expired: bool) -> HttpResponse:
    return render(
        request,
        "alerts/link_error.html",
        {
            "title": "Lien expiré" if expired else "Lien invalide",
            "expired": expired,
            "days": CONFIRMATION_DAYS,
        },
        status=410 if expired else 404,
    )


def _wait_message(seconds: int) -> str:
    minutes = max(1, (seconds + 59) // 60)
    return (
        "Trop de demandes d’alerte ont été faites en peu de temps. "
        f"Réessayez dans {minutes}\u00a0minute{'s' if minutes > 1 else ''}."
    )


@require_http_methods(["GET", "HEAD", "POST"])
def subscribe(request: HttpRequest) -> HttpResponse:
    edition = current_edition()
    context = {
        "title": TITLE,
        "edition": edition,
        "days": CONFIRMATION_DAYS,
        "breadcrumb_data": {"current": TITLE},
    }
    if edition is None:
        return render(request, "alerts/subscribe.html", context)
    form = AlertSubscribeForm(request.POST if request.method == "POST" else None)
    status = 200
    filter_errors = programme_events(edition=edition, params=request.GET).filterset
    context.update(filter_errors=filter_errors.error_messages(), form=form)
    try:
        query = selection_query(edition=edition, params=request.GET)
    except SelectionTooLong:
        context["too_long"] = True
        return render(request, "alerts/subscribe.html", context, status=400)
    if request.method == "POST":
        if form.is_valid():
            email = normalize_email(form.cleaned_data["email"])
            wait = rate_limited(
                f"alerts:subscribe:ip:{client_ip(request)}", limit=RATE_PER_IP, period=RATE_PERIOD
            ) or rate_limited(
                f"alerts:subscribe:address:{address_key(email)}",
                limit=RATE_PER_ADDRESS,
                period=RATE_PERIOD,
            )
            if not wait:
                alert_subscribe(email=email, edition=edition, query=query)
                sent = reverse("alerts:sent")
                return redirect(f"{sent}?{query}" if query else sent)
            form.add_error(None, _wait_message(wait))
            status = 429
        else:
            status = 400
    context.update(
        query=query,
        labels=selection_labels(edition=edition, query=query),
        programme_url=programme_url(edition=edition, query=query),
        errors=error_summary(form),
    )
    return render(request, "alerts/subscribe.html", context, status=status)


@require_http_methods(["GET", "HEAD"])
def subscribe_sent(request: HttpRequest) -> HttpResponse:
    edition = current_edition()
    title = "Vérifiez votre messagerie"
    back = reverse("events:programme")
    if edition is not None:
        with contextlib.suppress(SelectionTooLong):
            back = programme_url(
                edition=edition, query=selection_query(edition=edition, params=request.GET)
            )
    return render(
        request,
        "alerts/sent.html",
        {
            "title": title,
            "days": CONFIRMATION_DAYS,
            "programme_url": back,
            "breadcrumb_data": {"current": title},
        },
    )


def _alert_context(alert: Alert) -> dict:
    return {
        "alert": alert,
        "labels": selection_labels(edition=alert.edition, query=alert.query),
        "programme_url": programme_url(edition=alert.edition, query=alert.query),
    }


@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        alert = alert_from_confirm_token(token)
    except InvalidLink:
        return _link_error(request, expired=False)
    except ExpiredLink:
        return _link_error(request, expired=True)
    # A GET only shows the button: mail scanners that open links do not confirm anything.
    if request.method == "POST" or alert.is_confirmed:
        if not alert.is_confirmed:
            try:
                alert = alert_confirm(alert=alert)
            except ExpiredLink:
                return _link_error(request, expired=True)
        title = "Votre alerte est activée"
        return render(
            request,
            "alerts/confirmed.html",
            {
                "title": title,
                "manage_token": manage_token(alert),
                "breadcrumb_data": {"current": title},
                **_alert_context(alert),
            },
        )
    title = "Confirmer votre alerte"
    return render(
        request,
        "alerts/confirm.html",
        {"title": title, "breadcrumb_data": {"current": title}, **_alert_context(alert)},
    )


@csrf_exempt  # one-click unsubscription: the mail client POSTs without a token (RFC 8058)
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        alert_id = alert_id_from_unsubscribe_token(token)
    except InvalidLink:
        return _link_error(request, expired=False)
    alert = Alert.objects.select_related("edition").filter(pk=alert_id).first()
    if request.method == "POST":
        alert_delete(alert_id=alert_id)
        title = "Vous êtes désabonné"
        return render(
            request,
            "alerts/unsubscribed.html",
            {"title": title, "breadcrumb_data": {"current": title}},
        )
    if alert is None:
        title = "Alerte déjà supprimée"
        return render(
            request,
            "alerts/unsubscribed.html",
            {"title": title, "already": True, "breadcrumb_data": {"current": title}},
        )
    title = "Se désabonner"
    return render(
        request,
        "alerts/unsubscribe.html",
        {"title": title, "breadcrumb_data": {"current": title}, **_alert_context(alert)},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def manage(request: HttpRequest, token: str) -> HttpResponse:
    try:
        alert = alert_from_manage_token(token)
    except InvalidLink:
        return _link_error(request, expired=False)
    title = "Gérer mes alertes"
    context = {"title": title, "breadcrumb_data": {"current": title}}
    if alert is None:
        return render(request, "alerts/manage.html", {**context, "gone": True})
    email = alert.email
    if request.method == "POST":
        if "all" in request.POST:
            alerts_delete_all(email=email)
            messages.success(request, "Toutes vos alertes sont supprimées.")
        else:
            try:
                alert_id = int(request.POST.get("alert", ""))
            except ValueError:
                alert_id = None
            if alert_id and Alert.objects.filter(pk=alert_id, email=email).exists():
                alert_delete(alert_id=alert_id)
                messages.success(request, "L’alerte est supprimée.")
        remaining = Alert.objects.filter(email=email).order_by("pk").first()
        if remaining is None:
            return render(request, "alerts/manage.html", {**context, "empty": True})
        still = Alert.objects.filter(pk=alert.pk).exists()
        return redirect("alerts:manage", token=token if still else manage_token(remaining))
    alerts = Alert.objects.filter(email=email).select_related("edition").order_by("pk")
    context["alerts"] = [_alert_context(each) for each in alerts]
    context["email"] = email
    return render(request, "alerts/manage.html", context)
