from django.conf import settings


def site(request):
    return {
        "SITE_NAME": "Mois de l'innovation publique",
        "SITE_URL": settings.SITE_URL,
        "skiplinks": [
            {"link": "#content", "label": "Contenu"},
            {"link": "#header-navigation", "label": "Menu"},
            {"link": "#footer", "label": "Pied de page"},
        ],
    }
