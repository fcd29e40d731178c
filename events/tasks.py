"""Background work of the events domain, run by the task worker (`manage.py db_worker`)."""

from django.tasks import task

from .models import Edition
from .services import edition_open_programme
from .sessions import session_geocode


@task
def open_programme(edition_id: int) -> int:
    """The launch-day opening, scheduled at the edition's publication moment."""
    edition = Edition.objects.filter(pk=edition_id).first()
    if edition is None:
        return 0
    return edition_open_programme(edition=edition)


@task
def geocode_session(session_id: int) -> str:
    """Locate an in-person session from its address (events.sessions): the national address
    service, else the commune's or the department's centre. Returns the precision found."""
    location = session_geocode(session_id=session_id)
    return location.precision if location else ""
