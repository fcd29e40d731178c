"""Forms of the organiser space: organisations, join requests, and the event actions."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.forms.formsets import BaseFormSet
from dsfr.forms import DsfrBaseForm

from moisinno.geography import region_of_department

from .models import Organization


class OrganizationForm(forms.ModelForm, DsfrBaseForm):
    class Meta:
        model = Organization
        fields = ["name", "kind", "region", "department", "website", "description"]
        labels = {
            "name": "Nom de l’organisation",
            "region": "Région",
            "department": "Département",
            "website": "Site internet",
            "description": "Présentation",
        }
        help_texts = {
            "name": "Son nom complet, sans sigle seul : « Préfecture d’Ille-et-Vilaine ».",
            "region": "Laissez vide pour une organisation nationale.",
            "department": "Laissez vide pour une organisation régionale ou nationale.",
            "website": "Format attendu : https://exemple.gouv.fr",
            "description": "Quelques lignes, affichées sur la page publique de l’organisation.",
        }
        widgets = {
            "website": forms.URLInput(attrs={"placeholder": "https://"}),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "Choisir un type")] + [
            choice for choice in self.fields["kind"].choices if choice[0]
        ]
        self.fields["region"].choices = [("", "Choisir une région")] + [
            choice for choice in self.fields["region"].choices if choice[0]
        ]
        self.fields["department"].choices = [("", "Choisir un département")] + [
            choice for choice in self.fields["department"].choices if choice[0]
        ]

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        existing = Organization.objects.filter(name__iexact=name).first()
        if existing is not None:
            raise forms.ValidationError(
                f"L’organisation « {existing.name} » existe déjà : demandez plutôt à la rejoindre."
            )
        return name

    def clean(self) -> dict:
        data = super().clean()
        region, department = data.get("region"), data.get("department")
        if region and department and region_of_department(department) != region:
            self.add_error("department", "Ce département n’appartient pas à la région choisie.")
        return data

    def service_kwargs(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class OrganizationSearchForm(DsfrBaseForm):
    q = forms.CharField(
        label="Nom de l’organisation",
        help_text="Quelques mots du nom suffisent : « préfecture bretagne ».",
        max_length=100,
        min_length=2,
        error_messages={"min_length": "Saisissez au moins 2 caractères."},
    )


class MembershipRequestForm(DsfrBaseForm):
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.all(), widget=forms.HiddenInput
    )


class EventCancelForm(DsfrBaseForm):
    reason = forms.CharField(
        label="Motif de l’annulation",
        help_text="Il s’affiche sur la page publique de l’événement.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": "Indiquez le motif de l’annulation."},
    )


class EventResubmitForm(DsfrBaseForm):
    message = forms.CharField(
        label="Votre réponse à l’équipe DITP",
        help_text="Facultative : ce que vous avez modifié, ou vos précisions.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        required=False,
    )


def error_summary(*forms_and_formsets) -> list[dict]:
    """Every error of the given forms, as links for the summary at the top of the page.

    Each item: `label` (the field, "" for a form-wide error), `message`, `anchor` (the id of
    the input to focus, "" when there is none). Formset rows are named "Séance 1", "Séance 2"…
    """
    items: list[dict] = []
    for form in forms_and_formsets:
        if isinstance(form, BaseFormSet):
            items += [
                {"label": "Séances", "message": e, "anchor": ""} for e in form.non_form_errors()
            ]
            for number, row in enumerate(form.forms, start=1):
                items += _form_errors(row, prefix=f"Séance {number} — ")
        else:
            items += _form_errors(form)
    return items


def _form_errors(form, prefix: str = "") -> list[dict]:
    if not form.is_bound or not form.errors:
        return []
    items = [{"label": "", "message": e, "anchor": ""} for e in form.non_field_errors()]
    for name in form.errors:
        if name == NON_FIELD_ERRORS:
            continue
        field = form[name]
        items += [
            {"label": f"{prefix}{field.label}", "message": e, "anchor": field.id_for_label}
            for e in field.errors
        ]
    return items


def coordinate_field(name: str, *, bound: int, example: str) -> forms.DecimalField:
    """A latitude or longitude in decimal degrees, within ±`bound`, with French errors."""
    out_of_range = f"La {name} doit être comprise entre -{bound} et {bound}."
    return forms.DecimalField(
        label=name.capitalize(),
        help_text=f"En degrés décimaux, entre -{bound} et {bound}. Exemple : {example}",
        max_digits=9,
        decimal_places=6,
        min_value=-bound,
        max_value=bound,
        localize=True,
        error_messages={
            "required": f"Indiquez la {name}.",
            "invalid": f"Saisissez la {name} en degrés décimaux, par exemple {example}.",
            "min_value": out_of_range,
            "max_value": out_of_range,
            "max_digits": out_of_range,
            "max_whole_digits": out_of_range,
            "max_decimal_places": "Indiquez au plus 6 chiffres après la virgule.",
        },
    )


class SessionPlaceForm(DsfrBaseForm):
    """« Vérifier l'emplacement »: the point of a session, typed or moved on the map."""

    latitude = coordinate_field("latitude", bound=90, example="48.117266")
    longitude = coordinate_field("longitude", bound=180, example="-1.677793")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
