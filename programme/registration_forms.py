"""The visitor's registration form: the sessions wanted, and only what the organiser needs
(name, address, public agent or private person, organisation, accessibility needs with the
visitor's consent). A honeypot field catches the robots that fill in every field."""

import datetime
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from dsfr.forms import DsfrBaseForm

from events.models import Event, EventSession
from moisinno.formatting import session_label
from moisinno.forms import BoundedModelMultipleChoiceField
from registrations.availability import Availability, session_availability
from registrations.emails import session_place
from registrations.models import RegistrantKind

NEEDS_MAX_LENGTH = 1000


@dataclass(frozen=True)
class SessionChoice:
    """One session as the form lists it: its box, when and where, its seats."""

    session: EventSession
    label: str
    place: str
    availability: Availability

    @property
    def is_open(self) -> bool:
        return self.availability.is_open


def session_choices(event: Event, now: datetime.datetime | None = None) -> list[SessionChoice]:
    return [
        SessionChoice(
            session=session,
            label=session_label(session),
            place=session_place(session) or "Lieu à préciser",
            availability=session_availability(session, now),
        )
        for session in event.sessions.all()
    ]


class RegistrationForm(DsfrBaseForm):
    sessions = BoundedModelMultipleChoiceField(
        label="Séances",
        queryset=EventSession.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choisissez au moins une séance.",
            "invalid_choice": (
                "Cette séance n’existe pas ou plus\u00a0: choisissez-en une dans la liste."
            ),
            "invalid_pk_value": "Cette séance n’existe pas\u00a0: choisissez-en une dans la liste.",
        },
    )
    name = forms.CharField(
        label="Nom et prénom",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={
            "required": "Indiquez votre nom et votre prénom.",
            "max_length": "Votre nom dépasse 150 caractères\u00a0: raccourcissez-le.",
        },
    )
    email = forms.EmailField(
        label="Adresse électronique",
        help_text="Format attendu\u00a0: nom@domaine.fr. Vous y recevrez le lien pour confirmer.",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": "Indiquez votre adresse électronique.",
            "invalid": "Saisissez une adresse électronique valide, nom@domaine.fr.",
            "max_length": "Cette adresse dépasse 254 caractères.",
        },
    )
    kind = forms.ChoiceField(
        label="Vous êtes",
        choices=RegistrantKind.choices,
        # A class of our own: django-dsfr otherwise adds a `dsfr` attribute to each radio,
        # which is not valid HTML (the Nu checker says so).
        widget=forms.RadioSelect(attrs={"class": "moisinno-radio"}),
        error_messages={
            "required": "Indiquez si vous êtes agent public ou particulier.",
            "invalid_choice": "Indiquez si vous êtes agent public ou particulier.",
        },
    )
    organization_name = forms.CharField(
        label="Administration ou organisme (facultatif)",
        help_text="Par exemple\u00a0: Préfecture de la Marne, Caisse d’allocations familiales.",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
        error_messages={"max_length": "Ce nom dépasse 200 caractères\u00a0: raccourcissez-le."},
    )
    accessibility_needs = forms.CharField(
        label="Besoins liés à un handicap ou à l’accessibilité (facultatif)",
        help_text=(
            "Par exemple\u00a0: interprète en langue des signes, boucle magnétique, place pour un "
            "fauteuil roulant, documents en gros caractères."
        ),
        max_length=NEEDS_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "max_length": "Ce texte dépasse 1\u00a0000 caractères\u00a0: raccourcissez-le.",
        },
    )
    accessibility_consent = forms.BooleanField(
        label="J’accepte que ces informations soient transmises à l’organisateur",
        help_text="Pour préparer votre accueil. Elles sont effacées après la séance.",
        required=False,
    )
    # The honeypot: out of sight and out of the accessibility tree; robots fill it in.
    site_web = forms.CharField(
        label="Ne pas remplir ce champ",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, event: Event, choices: list[SessionChoice], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.event = event
        self.choices = choices
        self.fields["sessions"].queryset = EventSession.objects.filter(event=event)
        open_choices = [choice for choice in choices if choice.is_open]
        if len(choices) == 1 and open_choices:
            self.initial.setdefault("sessions", [open_choices[0].session.pk])

    def clean_sessions(self):
        sessions = list(self.cleaned_data["sessions"])
        closed = {choice.session.pk: choice for choice in self.choices if not choice.is_open}
        refused = [closed[session.pk] for session in sessions if session.pk in closed]
        if refused:
            raise ValidationError(
                [
                    f"Les inscriptions à la séance du {choice.label} sont closes\u00a0: "
                    "décochez-la."
                    for choice in refused
                ]
            )
        return sessions

    def clean(self):
        cleaned = super().clean()
        needs = (cleaned.get("accessibility_needs") or "").strip()
        if needs and not cleaned.get("accessibility_consent"):
            self.add_error(
                "accessibility_consent",
                "Cochez cette case pour que vos besoins soient transmis à l’organisateur, "
                "ou videz le champ des besoins.",
            )
        return cleaned

    def checked_sessions(self) -> set[str]:
        """The boxes to show checked: what was sent, or the form's initial choice."""
        if self.is_bound:
            value = self["sessions"].value() or []
        else:
            value = self.initial.get("sessions", [])
        return {str(pk) for pk in value}
