"""The organiser's forms of on-platform registration: a message to the people registered."""

from django import forms
from dsfr.forms import DsfrBaseForm

from registrations.messages import BODY_MAX_LENGTH, SUBJECT_MAX_LENGTH


class SessionMessageForm(DsfrBaseForm):
    subject = forms.CharField(
        label="Objet",
        help_text="Par exemple : « Changement de salle » ou « Documents à lire avant l’atelier ».",
        max_length=SUBJECT_MAX_LENGTH,
        error_messages={
            "required": "Indiquez l’objet du message.",
            "max_length": f"L’objet ne doit pas dépasser {SUBJECT_MAX_LENGTH} caractères.",
        },
    )
    body = forms.CharField(
        label="Message",
        help_text=(
            "Envoyé en texte simple, signé du nom de votre organisation. Chaque personne le "
            "reçoit seule : les adresses des autres ne sont pas visibles."
        ),
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 10}),
        error_messages={
            "required": "Écrivez le message.",
            "max_length": f"Le message ne doit pas dépasser {BODY_MAX_LENGTH} caractères.",
        },
    )

    def clean_subject(self) -> str:
        subject = " ".join(self.cleaned_data["subject"].split())
        if not subject:
            raise forms.ValidationError("Indiquez l’objet du message.")
        return subject

    def clean_body(self) -> str:
        body = self.cleaned_data["body"].strip()
        if not body:
            raise forms.ValidationError("Écrivez le message.")
        return body
