"""The DITP back office for events. Importing each module registers its ModelAdmins: editions,
reference data (formats, themes), events with their decisions, collections and visitors'
reports; `exports` and `statistics` serve the events' admin."""

from . import collections, decisions, editions, events, reference, reports  # noqa: F401
