"""The organiser space's registration pages: TO BE WRITTEN (helper « organiser »)."""

from django.http import Http404


def registration_check_in(request, token):
    raise Http404
