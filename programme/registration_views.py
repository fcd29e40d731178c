"""Registration pages for visitors: TO BE WRITTEN (helper « public »)."""

from django.http import Http404


def register(request, slug):
    raise Http404


def confirm(request, token):
    raise Http404


def manage(request, token):
    raise Http404
