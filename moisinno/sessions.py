"""Django's database sessions (`SESSION_ENGINE`), telling a database that does not answer from
a session deleted meanwhile.

Django reads any database error while saving an existing session as « deleted by another
request » and answers 400 (`SessionInterrupted`, « Requête incorrecte »). When the database
does not answer, that hides an outage behind a wrong message: the error is given as it is, so
that the French 503 page says to try again (`moisinno.views.service_unavailable`).
"""

from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import InterfaceError, OperationalError


class SessionStore(DatabaseSessionStore):
    def save(self, must_create: bool = False) -> None:
        try:
            super().save(must_create)
        except UpdateError as error:
            if isinstance(error.__context__, OperationalError | InterfaceError):
                raise error.__context__ from None
            raise
