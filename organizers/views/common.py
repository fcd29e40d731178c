"""What every page of the organiser space shares: its breadcrumb and its page titles."""

from django.urls import reverse


def breadcrumb(current: str, *links: tuple[str, str]) -> dict:
    return {
        "links": [
            {"url": reverse("organizers:dashboard"), "title": "Espace organisateur"},
            *({"url": url, "title": title} for url, title in links),
        ],
        "current": current,
    }


def page_title(title: str, *, has_errors: bool = False) -> str:
    return f"Erreur : {title}" if has_errors else title
