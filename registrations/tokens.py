"""Signed links: they carry an id, never an address, and work without an account.

- confirm: the address's double opt-in, valid `CONFIRMATION_DAYS`;
- manage: the registrant's page (see, cancel, erase), valid as long as the request exists;
- check-in: the QR code of one registration, opened by a member of the organising
  organisation to mark the person present.
"""

import datetime

from django.conf import settings
from django.core import signing
from django.urls import reverse

from moisinno.links import ExpiredLink, signed_id

from .models import Registrant, Registration

CONFIRMATION_DAYS = 7

_CONFIRM_SALT = "registrations.confirm"
_MANAGE_SALT = "registrations.manage"
_CHECK_IN_SALT = "registrations.check-in"


def confirm_token(registrant: Registrant) -> str:
    return signing.TimestampSigner(salt=_CONFIRM_SALT).sign(str(registrant.pk))


def manage_token(registrant: Registrant) -> str:
    return signing.Signer(salt=_MANAGE_SALT).sign(str(registrant.pk))


def check_in_token(registration: Registration) -> str:
    return signing.Signer(salt=_CHECK_IN_SALT).sign(str(registration.pk))


def registrant_from_confirm_token(token: str) -> Registrant:
    pk = signed_id(
        token,
        signing.TimestampSigner(salt=_CONFIRM_SALT),
        max_age=datetime.timedelta(days=CONFIRMATION_DAYS),
    )
    registrant = Registrant.objects.select_related("event").filter(pk=pk).first()
    if registrant is None or registrant.is_erased:
        raise ExpiredLink
    return registrant


def registrant_from_manage_token(token: str) -> Registrant:
    registrant = (
        Registrant.objects.select_related("event")
        .filter(pk=signed_id(token, signing.Signer(salt=_MANAGE_SALT)))
        .first()
    )
    if registrant is None or registrant.is_erased:
        raise ExpiredLink
    return registrant


def registration_from_check_in_token(token: str) -> Registration:
    registration = (
        Registration.objects.select_related("registrant", "session__event")
        .filter(pk=signed_id(token, signing.Signer(salt=_CHECK_IN_SALT)))
        .first()
    )
    if registration is None or registration.registrant.is_erased:
        raise ExpiredLink
    return registration


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def confirm_url(registrant: Registrant) -> str:
    return absolute(reverse("registrations:confirm", args=[confirm_token(registrant)]))


def manage_url(registrant: Registrant) -> str:
    return absolute(reverse("registrations:manage", args=[manage_token(registrant)]))


def check_in_url(registration: Registration) -> str:
    return absolute(
        reverse("organizers:registration_check_in", args=[check_in_token(registration)])
    )
