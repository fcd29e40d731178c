from django import forms
from dsfr.forms import DsfrBaseForm


class AlertSubscribeForm(DsfrBaseForm):
    email = forms.EmailField(
        label="Votre adresse électronique",
        help_text="Format attendu\u00a0: nom@domaine.fr",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
