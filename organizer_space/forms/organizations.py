"""The organiser space's forms for organisations and join requests."""

from django import forms
from dsfr.forms import DsfrBaseForm

from moisinno.geography import region_of_department
from organizers.models import Organization


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


class SiretOrganizationForm(OrganizationForm):
    """Creating the organisation of an agent's SIRET (from ProConnect): the SIRET is not typed,
    it is the agent's; the register's answer only prefills the other fields."""

    def __init__(self, *args, siret: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.siret = siret

    def clean(self) -> dict:
        data = super().clean()
        if Organization.objects.filter(siret=self.siret).exists():
            raise forms.ValidationError(
                "Une organisation porte déjà ce numéro SIRET : demandez plutôt à la rejoindre."
            )
        return data
