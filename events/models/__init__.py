"""The events domain's models, one module per subject. Import them from here: `events.models`
is their public home (migrations, other apps, tests)."""

from .collection import Collection, normalised_selection_query
from .edition import Edition
from .event import PARIS, Event, EventSession, Format, SearchWord, Theme, event_page_tags
from .moderation import EventNote, EventReport, ModerationLogEntry
from .resource import EventResource, resource_upload_to

__all__ = [
    "PARIS",
    "Collection",
    "Edition",
    "Event",
    "EventNote",
    "EventReport",
    "EventResource",
    "EventSession",
    "Format",
    "ModerationLogEntry",
    "SearchWord",
    "Theme",
    "event_page_tags",
    "normalised_selection_query",
    "resource_upload_to",
]
