"""Registrations in the admin: counts only for moderators (data minimisation); the people are
seen in the organiser space by the members of the organising organisation."""
