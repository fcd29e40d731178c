"""Import an event into a draft: from an iCalendar file (.ics) or an OpenAgenda event (JSON).

Three steps, each in one place:

1. **Parse** a source into `ImportedEvent`s (`sources`): `ics.parse_ics`,
   `openagenda.parse_openagenda`. Plain data, already cleaned (`cleaning`: HTML stripped,
   lengths cut, URLs and e-mails checked; times in Paris). A broken or hostile source raises
   `sources.ImportRefused` with a French message.
2. **Map** an `ImportedEvent` onto the event's fields: `drafts.event_fields`, the ONE mapping,
   whatever the source (when the place or the mode move to the sessions, only it changes).
3. **Save** through the organiser's write services (`event_create`, `event_update`: ownership,
   referencing window, rate limits, invariants, search text): `drafts.events_import`, in one
   transaction, so a refusal leaves nothing half-imported. The source and its identifier are
   kept on the event (`import_source`, `import_uid`, `import_url`): importing the same source
   event again updates its draft; an event no longer a draft is left untouched.

The result is always a draft, which the organiser reviews and submits to the DITP as usual.
Each name is imported from its module; this package re-exports nothing.
"""
