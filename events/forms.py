"""Forms of the events domain shared by the back office and the organiser space."""

from django import forms

from .eligibility import session_registration_errors, session_times_message
from .models import EventSession


class SessionTimesForm(forms.ModelForm):
    """A session's date and times, with the one session-time rule (organiser form, admin);
    and, in the forms that show them, the rules of its on-platform registration: the places
    never below the seats already taken, the closing never after the start."""

    class Meta:
        model = EventSession
        fields = ["date", "start_time", "end_time"]

    def clean(self) -> dict:
        data = super().clean()
        if error := session_times_message(data.get("start_time"), data.get("end_time")):
            self.add_error(*error)
        if "capacity" in self.fields:
            for name, message in session_registration_errors(
                seats_taken=self.instance.seats_taken,
                capacity=data.get("capacity"),
                closes_at=data.get("registration_closes_at"),
                date=data.get("date"),
                start_time=data.get("start_time"),
            ):
                if name not in self._errors:
                    self.add_error(name, message)
        return data
