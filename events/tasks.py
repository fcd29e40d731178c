"""Background work of the events domain, run by the task worker (`manage.py db_worker`).

A leaf: the services that queue these tasks import this module at load time, and each task
body imports what it runs when it runs (as pretalx's tasks do), so no import goes back up.
"""

from django.tasks import task


@task
def open_programme(edition_id: int) -> int:
    """The launch-day opening, scheduled at the edition's publication moment."""
    from .models import Edition  # noqa: PLC0415 - task body
    from .services import edition_open_programme  # noqa: PLC0415 - task body

    edition = Edition.objects.filter(pk=edition_id).first()
    if edition is None:
        return 0
    return edition_open_programme(edition=edition)


@task
def geocode_session(session_id: int) -> str:
    """Locate an in-person session from its address (events.sessions): the national address
    service, else the commune's or the department's centre. Returns the precision found."""
    from .sessions import session_geocode  # noqa: PLC0415 - task body

    location = session_geocode(session_id=session_id)
    return location.precision if location else ""
