"""Editions in the back office: superusers create, prepare and switch them; moderators see them."""

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html

from ..images import image_store, read_upload
from ..models import Edition
from ..selectors import next_edition_defaults
from ..services import edition_make_current, edition_schedule_opening


def image_preview(picture) -> str:
    """A stored image (`events.images.Picture`) at 400 px, in the admin."""
    if picture is None:
        return "—"
    small = picture.image.small
    return format_html(
        '<img src="{}" width="{}" height="{}" alt="{}" class="moisinno-admin-image">',
        small.url,
        small.width,
        small.height,
        picture.alt,
    )


class EditionForm(forms.ModelForm):
    default_image_file = forms.FileField(
        label="Image par défaut des événements",
        required=False,
        help_text=(
            "Montrée, décorative, sur les cartes et les pages des événements sans image. "
            "JPEG, PNG ou WebP, 5 Mo au plus, 800 pixels de large au moins."
        ),
    )
    default_image_remove = forms.BooleanField(label="Retirer l'image par défaut", required=False)

    class Meta:
        model = Edition
        fields = ["default_image_credit"]  # the admin's fieldsets add the others

    def clean(self):
        cleaned = super().clean()
        closed, end = cleaned.get("bilan_closed_at"), cleaned.get("end_date")
        if closed and end and timezone.localtime(closed).date() <= end:
            self.add_error(
                "bilan_closed_at",
                "La clôture des déclarations doit venir après la fin de l'édition "
                f"(le {end:%d/%m/%Y}) : les organisateurs déclarent une fois leurs "
                "événements passés.",
            )
        if cleaned.get("headline_source") and not (
            cleaned.get("headline_events") or cleaned.get("headline_participants")
        ):
            self.add_error(
                "headline_source",
                "Indiquez le nombre d'événements ou de participants annoncé dont c'est la source.",
            )
        return cleaned

    def clean_default_image_file(self):
        upload = self.cleaned_data.get("default_image_file")
        return read_upload(upload) if upload else None


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    """Superusers create and switch editions; moderators only see them (view permission)."""

    form = EditionForm

    list_display = [
        "year",
        "number",
        "theme",
        "start_date",
        "end_date",
        "referencing_opens_on",
        "referencing_closes_on",
        "publication_at",
        "is_current",
    ]
    list_filter = ["is_current"]
    search_fields = ["theme", "year"]
    readonly_fields = ["is_current"]
    actions = ["make_current"]
    fieldsets = [
        (
            None,
            {
                "fields": ["year", "number", "name", "theme", "description", "is_current"],
                "description": (
                    "Les formats et les thématiques sont communs à toutes les éditions : ils "
                    "sont repris tels quels. Quand l'édition est prête, rendez-la courante "
                    "(action de cette page ou de la liste) : le site public et l'espace "
                    "organisateur la montrent ; les éditions passées restent consultables avec "
                    "leur programme."
                ),
            },
        ),
        ("Dates", {"fields": ["start_date", "end_date"]}),
        (
            "Référencement et ouverture du programme",
            {"fields": ["referencing_opens_on", "referencing_closes_on", "publication_at"]},
        ),
        (
            "Bilan de l'édition",
            {
                "fields": [
                    "bilan_closed_at",
                    "bilan_published_at",
                    "bilan_note",
                    "headline_events",
                    "headline_participants",
                    "headline_source",
                ],
                "description": (
                    "Les organisateurs déclarent la participation à leurs événements jusqu'à la "
                    "clôture ; le bilan de la DITP (« Bilan de l'édition ») les rassemble. Une "
                    "fois publié, il est public sur /editions/<année>/bilan/. Pour une édition "
                    "passée sans déclarations, les chiffres annoncés (et leur source) tiennent "
                    "lieu de bilan dans la comparaison des éditions."
                ),
            },
        ),
        (
            "Image par défaut",
            {
                "fields": [
                    "default_image_preview",
                    "default_image_file",
                    "default_image_remove",
                    "default_image_credit",
                ]
            },
        ),
    ]

    @admin.display(description="Image par défaut actuelle")
    def default_image_preview(self, edition: Edition) -> str:
        return image_preview(edition.default_picture)

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "default_image_preview"]

    def get_changeform_initial_data(self, request: HttpRequest) -> dict:
        """« Préparer l'édition suivante »: the latest edition's, a year later (November,
        referencing until late October, opening on the first day)."""
        return {**next_edition_defaults(), **super().get_changeform_initial_data(request)}

    def view_on_site(self, edition: Edition) -> str:
        return edition.get_absolute_url()

    def save_model(self, request, obj, form, change) -> None:
        if prepared := form.cleaned_data.get("default_image_file"):
            stored = image_store(prepared=prepared)
            obj.default_image = stored.key
            obj.default_image_width, obj.default_image_height = stored.width, stored.height
        elif form.cleaned_data.get("default_image_remove"):
            obj.default_image, obj.default_image_width, obj.default_image_height = "", None, None
        # Saving an edition raises the public-content version (events/receivers.py).
        super().save_model(request, obj, form, change)
        if "publication_at" in form.changed_data and obj.publication_at is not None:
            # The worker opens the programme at the moment (the cron command is the safety net).
            edition_schedule_opening(edition=obj)

    @admin.action(
        description="Rendre courante (site public et espace organisateur)",
        permissions=["change"],
        location=[admin.ActionLocation.CHANGE_LIST, admin.ActionLocation.CHANGE_FORM],
    )
    def make_current(self, request: HttpRequest, queryset: QuerySet[Edition]) -> None:
        editions = list(queryset[:2])
        if len(editions) != 1:
            messages.error(request, "Sélectionnez une seule édition à rendre courante.")
            return
        edition = edition_make_current(edition=editions[0])
        self.log_change(request, edition, "Édition rendue courante.")
        messages.success(
            request,
            f"L'édition {edition.year} est désormais l'édition courante : le site public et "
            "l'espace organisateur l'affichent.",
        )
