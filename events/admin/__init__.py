"""The DITP back office for events: moderation (with the reference data), exports, statistics."""

from . import moderation  # noqa: F401  (registers the ModelAdmins)
