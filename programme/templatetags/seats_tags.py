"""The seats of on-platform registration in templates (`programme.seats`): these filters only
expose it."""

from django import template

from programme import seats

register = template.Library()

session_seats = register.filter("session_seats", seats.session_seats)
registration_open = register.filter("registration_open", seats.registration_open)
event_seats = register.filter("event_seats", seats.event_seats)
