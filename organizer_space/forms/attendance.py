"""The declaration of attendance (results/attendance.py): per session, did it take place and
how many came; per event, one sentence « Ce qui a marché ».

One form, its fields named per session (`s<pk>-…`), so that the error summary links every
error to its field; the template shows them session by session (`session_groups`)."""

from dataclasses import dataclass

from django import forms
from dsfr.forms import DsfrBaseForm

from events.models import EventSession
from moisinno.formatting import session_label
from results.attendance import WHAT_WORKED_MAX, SessionFigures
from results.models import AgentsShareSource

TOOK_PLACE = "oui"
DID_NOT = "non"
NEGATIVE = "Indiquez un nombre positif ou nul."
NOT_A_NUMBER = "Indiquez un nombre entier, par exemple 25."
TOO_BIG = "Indiquez un nombre d’au plus %(limit_value)s."


def _count_field(label: str, help_text: str, *, max_value: int = 100_000) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        help_text=help_text,
        required=False,
        min_value=0,
        max_value=max_value,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
        error_messages={
            "invalid": NOT_A_NUMBER,
            "min_value": NEGATIVE,
            "max_value": TOO_BIG,
        },
    )


@dataclass
class SessionGroup:
    session: EventSession
    label: str
    fields: list


class AttendanceForm(DsfrBaseForm):
    what_worked = forms.CharField(
        label="Ce qui a marché (facultatif)",
        help_text=f"Une phrase, {WHAT_WORKED_MAX} caractères au plus.",
        required=False,
        max_length=WHAT_WORKED_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "max_length": f"Cette phrase ne doit pas dépasser {WHAT_WORKED_MAX} caractères."
        },
    )

    def __init__(
        self,
        *args,
        sessions: list[EventSession],
        initial_figures: dict[int, SessionFigures],
        what_worked: str = "",
        **kwargs,
    ) -> None:
        kwargs.setdefault("initial", {"what_worked": what_worked})
        super().__init__(*args, **kwargs)
        self.sessions = sessions
        self.initial_figures = initial_figures
        what_worked_field = self.fields.pop("what_worked")
        for session in sessions:
            figures = initial_figures.get(session.pk, SessionFigures())
            prefix = f"s{session.pk}"
            self.fields[f"{prefix}-took_place"] = forms.ChoiceField(
                label="La séance a-t-elle eu lieu ?",
                choices=[
                    (TOOK_PLACE, "La séance a eu lieu"),
                    (DID_NOT, "La séance a été annulée ou n’a pas eu lieu"),
                ],
                widget=forms.RadioSelect,
                error_messages={
                    "required": "Indiquez si la séance a eu lieu.",
                    "invalid_choice": "Choisissez l’une des deux réponses.",
                },
            )
            self.initial[f"{prefix}-took_place"] = TOOK_PLACE if figures.took_place else DID_NOT
            if session.is_in_person:
                self.fields[f"{prefix}-present_in_person"] = _count_field(
                    "Personnes présentes", "Les personnes venues sur place."
                )
                self.initial[f"{prefix}-present_in_person"] = figures.present_in_person
            if session.is_online:
                self.fields[f"{prefix}-online_peak"] = _count_field(
                    "Connexions en ligne (au plus fort)",
                    "Le plus grand nombre de connexions simultanées.",
                )
                self.initial[f"{prefix}-online_peak"] = figures.online_peak
            share = _count_field(
                "Part d’agents publics (%)",
                "Une estimation de 0 à 100 suffit."
                if figures.agents_share_source != AgentsShareSource.REGISTRATIONS
                else "Calculée d’après les inscriptions ; corrigez-la si besoin (0 à 100).",
                max_value=100,
            )
            share.error_messages["max_value"] = "Une part va de 0 à 100 %%."
            self.fields[f"{prefix}-agents_share"] = share
            self.initial[f"{prefix}-agents_share"] = figures.agents_share
        self.fields["what_worked"] = what_worked_field

    @property
    def session_groups(self) -> list[SessionGroup]:
        groups = []
        for session in self.sessions:
            prefix = f"s{session.pk}-"
            groups.append(
                SessionGroup(
                    session=session,
                    label=session_label(session),
                    fields=[self[name] for name in self.fields if name.startswith(prefix)],
                )
            )
        return groups

    def clean_what_worked(self) -> str:
        return " ".join(self.cleaned_data["what_worked"].split())

    def clean(self):
        cleaned = super().clean()
        for session in self.sessions:
            prefix = f"s{session.pk}"
            if cleaned.get(f"{prefix}-took_place") != TOOK_PLACE:
                continue
            counts = [f"{prefix}-present_in_person", f"{prefix}-online_peak"]
            present = [name for name in counts if name in self.fields]
            if any(name in self.errors for name in present):
                continue
            if all(cleaned.get(name) is None for name in present):
                self.add_error(
                    present[0],
                    "La séance a eu lieu : indiquez combien de personnes sont venues, ou "
                    "répondez qu’elle n’a pas eu lieu.",
                )
        return cleaned

    def sessions_data(self) -> dict[int, SessionFigures]:
        """The cleaned figures, per session id, for `attendance_declare`."""
        data = {}
        for session in self.sessions:
            prefix = f"s{session.pk}"
            share = self.cleaned_data.get(f"{prefix}-agents_share")
            prefilled = self.initial_figures.get(session.pk)
            from_registrations = (
                prefilled is not None
                and prefilled.agents_share_source == AgentsShareSource.REGISTRATIONS
                and prefilled.agents_share == share
            )
            data[session.pk] = SessionFigures(
                took_place=self.cleaned_data.get(f"{prefix}-took_place") == TOOK_PLACE,
                present_in_person=self.cleaned_data.get(f"{prefix}-present_in_person"),
                online_peak=self.cleaned_data.get(f"{prefix}-online_peak"),
                agents_share=share,
                agents_share_source=AgentsShareSource.REGISTRATIONS
                if from_registrations
                else AgentsShareSource.ESTIMATE,
            )
        return data
