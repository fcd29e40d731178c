"""Forms of the events domain shared by the back office and the organiser space."""

from django import forms

from .eligibility import session_times_message
from .models import EventSession


class SessionTimesForm(forms.ModelForm):
    """A session's date and times, with the one session-time rule (organiser form, admin)."""

    class Meta:
        model = EventSession
        fields = ["date", "start_time", "end_time"]

    def clean(self) -> dict:
        data = super().clean()
        if error := session_times_message(data.get("start_time"), data.get("end_time")):
            self.add_error(*error)
        return data
