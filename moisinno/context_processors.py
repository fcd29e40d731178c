from django.conf import settings

from . import proconnect


def site(request):
    return {
        "SITE_NAME": "Mois de l'innovation publique",
        "SITE_URL": settings.SITE_URL,
        # The sign-in with ProConnect, shown only when configured.
        "proconnect_enabled": proconnect.is_enabled(),
        # Where the maps' tiles come from (templates/includes/map.html, static/js/maps.js).
        "MAP_TILES": {"url": settings.MAP_TILES_URL, "attribution": settings.MAP_TILES_ATTRIBUTION},
        "skiplinks": [
            {"link": "#content", "label": "Contenu"},
            {"link": "#header-navigation", "label": "Menu"},
            {"link": "#footer", "label": "Pied de page"},
        ],
    }
