"""Create (or promote) a DITP moderator account. No password is ever shipped with the code."""

import getpass
import os

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from moisinno.roles import MODERATOR_GROUP


class Command(BaseCommand):
    help = (
        "Create a DITP moderator (staff account in the « Modérateur DITP » group). "
        "The password is asked interactively, or read from MODERATOR_PASSWORD."
    )

    def add_arguments(self, parser):
        parser.add_argument("--email", help="Moderator's email address (asked if missing)")
        parser.add_argument(
            "--superuser", action="store_true", help="Also make them a superuser (editions, users)"
        )

    def handle(self, *args, email=None, superuser=False, **options):
        email = (email or input("Adresse électronique : ")).strip().lower()
        try:
            validate_email(email)
        except ValidationError as error:
            raise CommandError(f"Adresse électronique invalide : {email}") from error
        password = os.environ.get("MODERATOR_PASSWORD") or self._ask_password()
        User = get_user_model()
        user = User.objects.filter(email__iexact=email).first() or User(username=email, email=email)
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error

        with transaction.atomic():
            user.is_staff = True
            user.is_superuser = user.is_superuser or superuser
            user.set_password(password)
            user.save()
            user.groups.add(Group.objects.get(name=MODERATOR_GROUP))
            EmailAddress.objects.update_or_create(
                user=user, email=email, defaults={"verified": True, "primary": True}
            )
        self.stdout.write(self.style.SUCCESS(f"Modérateur DITP prêt : {email} — /admin/"))

    def _ask_password(self) -> str:
        password = getpass.getpass("Mot de passe : ")
        if password != getpass.getpass("Mot de passe (confirmation) : "):
            raise CommandError("Les deux mots de passe ne correspondent pas.")
        return password
