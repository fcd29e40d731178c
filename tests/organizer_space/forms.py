"""POST data for the organiser space's forms, as a browser sends them."""

from events.sessions import SESSION_PLACE_FIELDS


def event_form_data(*, sessions: list[dict] | None = None, action: str = "save", **fields):
    """The event form with `fields` filled in (title only by default) and `sessions` rows.

    A session row is {"date": "2026-11-16", "start_time": "10:00", "end_time": "12:00"},
    plus "id" for an existing session and "DELETE": "on" to remove it.
    """
    sessions = sessions if sessions is not None else []
    # The place is a session's (events.sessions): a place given for the event goes to each
    # session row that has none, as an organiser would type it in every row.
    place = {name: fields.pop(name) for name in SESSION_PLACE_FIELDS if name in fields}
    place.setdefault("attendance_mode", "in_person")
    sessions = [{**place, **row} for row in sessions]
    initial = sum(1 for row in sessions if row.get("id"))
    data = {
        "action": action,
        "title": "Atelier de co-production",
        "audience": "public_agents",
        "registration_mode": "none",
        "is_free": "on",
        "sessions-TOTAL_FORMS": str(len(sessions)),
        "sessions-INITIAL_FORMS": str(initial),
        "sessions-MIN_NUM_FORMS": "0",
        "sessions-MAX_NUM_FORMS": "30",
    }
    for index, row in enumerate(sessions):
        for key, value in row.items():
            data[f"sessions-{index}-{key}"] = value
    for key, value in fields.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def complete_event_fields(*, format_pk: int) -> dict:
    """Everything submission asks for, for an in-person event."""
    return {
        "summary": "Concevoir un service public avec ses usagers, en une matinée.",
        "description": "Un atelier de co-conception avec des usagers du service.",
        "format": str(format_pk),
        "venue_name": "Préfecture",
        "address": "3 avenue de la Préfecture",
        "postal_code": "35000",
        "city": "Rennes",
        "department": "35",
        "private_contact_email": "contact@bretagne.gouv.fr",
    }
