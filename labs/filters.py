"""Filters of the labs atlas (GET parameters: `type`, `region`)."""

import django_filters
from django.db.models import QuerySet
from dsfr.forms import DsfrBaseForm

from events.filters import CHECKBOX_GROUP
from events.widgets import DsfrCheckboxSelectMultiple, DsfrSelect
from moisinno.geography import REGION_CHOICES

from .enums import LabKind
from .models import Lab


class LabFilterForm(DsfrBaseForm):
    pass


class LabFilterSet(django_filters.FilterSet):
    type = django_filters.MultipleChoiceFilter(
        label="Type de laboratoire",
        choices=LabKind.choices,
        method="filter_kinds",
        widget=DsfrCheckboxSelectMultiple,
        template_name=CHECKBOX_GROUP,
    )
    region = django_filters.ChoiceFilter(
        label="Région", choices=REGION_CHOICES, empty_label="Toutes les régions", widget=DsfrSelect
    )

    class Meta:
        model = Lab
        fields: list[str] = []
        form = LabFilterForm

    def filter_kinds(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        return queryset.filter(kind__in=value) if value else queryset

    def error_messages(self) -> list[str]:
        return [
            f"{self.form.fields[name].label}\u00a0: {error}"
            for name, errors in self.form.errors.items()
            for error in errors
        ]
