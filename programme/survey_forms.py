"""The participant's satisfaction form: three questions and an optional comment."""

from django import forms
from dsfr.forms import DsfrBaseForm

from results.survey import COMMENT_MAX_LENGTH

OVERALL_CHOICES = [
    ("1", "1 — pas du tout satisfait"),
    ("2", "2 — peu satisfait"),
    ("3", "3 — moyennement satisfait"),
    ("4", "4 — satisfait"),
    ("5", "5 — très satisfait"),
]
YES_NO = [("oui", "Oui"), ("non", "Non")]


def _radios() -> forms.RadioSelect:
    # A class of our own: django-dsfr otherwise adds a `dsfr` attribute to each radio, which
    # is not valid HTML (see programme/registration_forms.py).
    return forms.RadioSelect(attrs={"class": "moisinno-radio"})


class SurveyForm(DsfrBaseForm):
    overall = forms.ChoiceField(
        label="Dans l’ensemble, êtes-vous satisfait ou satisfaite de cet événement\u00a0?",
        choices=OVERALL_CHOICES,
        widget=_radios(),
        error_messages={
            "required": "Donnez une note de 1 à 5.",
            "invalid_choice": "Donnez une note de 1 à 5.",
        },
    )
    would_recommend = forms.ChoiceField(
        label="Recommanderiez-vous cet événement à un collègue ou à un proche\u00a0?",
        choices=YES_NO,
        widget=_radios(),
        error_messages={
            "required": "Indiquez si vous recommanderiez cet événement.",
            "invalid_choice": "Indiquez si vous recommanderiez cet événement.",
        },
    )
    will_reuse_method = forms.ChoiceField(
        label="Allez-vous réutiliser une méthode découverte lors de cet événement\u00a0?",
        choices=YES_NO,
        widget=_radios(),
        error_messages={
            "required": "Indiquez si vous allez réutiliser une méthode.",
            "invalid_choice": "Indiquez si vous allez réutiliser une méthode.",
        },
    )
    comment = forms.CharField(
        label="Un commentaire (facultatif)",
        help_text=(
            "Transmis aux seuls organisateurs de l’événement, sans votre nom ni votre adresse "
            f"électronique, et jamais publié. {COMMENT_MAX_LENGTH} caractères au plus."
        ),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "max_length": (
                f"Ce commentaire dépasse {COMMENT_MAX_LENGTH} caractères\u00a0: raccourcissez-le."
            ),
        },
    )

    def clean_overall(self) -> int:
        return int(self.cleaned_data["overall"])

    def clean_would_recommend(self) -> bool:
        return self.cleaned_data["would_recommend"] == "oui"

    def clean_will_reuse_method(self) -> bool:
        return self.cleaned_data["will_reuse_method"] == "oui"
