"""An event's card and its « Mon programme » button, written in Python.

A programme page shows 26 cards, each with its button: through Django's template engine they
cost a fifth of the page's server time (about 1,200 Python calls a card). These functions write
the same DSFR markup; the templates `programme/includes/event_card.html` and
`programme/includes/star_button.html` call them, so every page shows the same card.
"""

from django.urls import reverse
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe

from events.enums import AttendanceMode
from moisinno.formatting import session_label

from .seats import card_seats_label
from .starred import starred_ids

HEADINGS = {"h2", "h3", "h4"}


def _city(city: str, department_name: str) -> str:
    if city and department_name and department_name != city:
        return f"{city} ({department_name})"
    return city


#: Where an event held in person takes place when no session nor the event says it yet.
PLACE_TO_BE_ANNOUNCED = "Lieu à préciser"


def event_place(event) -> str:
    """ "Rennes (Ille-et-Vilaine)", "En ligne", "Rennes et en ligne", "Rennes (…), Brest (…) et
    en ligne": the cities of its sessions held in person (`sessions` prefetched), then the
    event's own place when it has no session; « Lieu à préciser » (« … et en ligne ») for an
    event held in person whose place is not known yet, never nothing."""
    cities = list(
        dict.fromkeys(
            _city(s.city, s.department_name) for s in event.sessions.all() if s.is_in_person
        )
    )
    cities = [city for city in cities if city] or [
        _city(event.city, event.department_name) or event.region_name
    ]
    where = ", ".join(city for city in cities if city)
    if not event.is_in_person:
        return "En ligne" if event.is_online else where
    where = where or PLACE_TO_BE_ANNOUNCED
    return f"{where} et en ligne" if event.is_online else where


#: The card's image is about 400 px wide from DSFR's md breakpoint (3 cards a row), full width
#: on a phone.
CARD_IMAGE_SIZES = "(min-width: 48em) 400px, 100vw"


def picture_img(picture, *, sizes: str, lazy: bool = True, css_class: str = "") -> str:
    """An `<img>` of a `events.images.Picture`: WebP renditions in `srcset`, its width and
    height (no layout shift), its text alternative ("" when decorative)."""
    image = picture.image
    src = image.rendition(800)
    attributes = [
        f'class="{escape(css_class)}"' if css_class else "",
        f'src="{escape(src.url)}"',
        f'srcset="{escape(image.srcset)}"',
        f'sizes="{escape(sizes)}"',
        f'width="{src.width}" height="{src.height}"',
        f'alt="{escape(picture.alt)}"',
        'loading="lazy" decoding="async"' if lazy else "",
    ]
    return f"<img {' '.join(a for a in attributes if a)}>"


def _badge(text: str, modifier: str = "") -> str:
    return f'<li><p class="fr-badge{modifier} fr-badge--sm">{escape(text)}</p></li>'


#: Where a card's footer goes in its markup (`card_markup`): the footer holds the visitor's
#: own « Mon programme » button, while the rest of the card is the same for everyone and is
#: kept until the public content changes (`selectors.with_cards`).
FOOTER_SLOT = "<!--card-footer-->"


def event_card(event, heading: str = "h3", footer: str = "") -> SafeString:
    """The event as a DSFR card (`sessions` and `labs` prefetched, `edition` selected for its
    default image); `heading`: h2, h3 or h4. `footer`: its secondary actions (the star button),
    in the card's `fr-card__footer`, which the enlarged link does not cover (static/css/
    moisinno.css): escaped unless safe. A card already rendered for the current public content
    (`selectors.with_cards`) is used as it is."""
    tag = heading if heading in HEADINGS else "h3"
    rendered = getattr(event, "rendered_cards", None)
    markup = rendered[tag] if rendered and tag in rendered else card_markup(event, tag)
    actions = f'<div class="fr-card__footer">{conditional_escape(footer)}</div>' if footer else ""
    return mark_safe(markup.replace(FOOTER_SLOT, actions, 1))  # noqa: S308 - escaped


def card_markup(event, heading: str = "h3") -> str:
    """The card of `event` with `FOOTER_SLOT` where its footer goes: what `event_card` shows,
    for every visitor (every value escaped)."""
    tag = heading if heading in HEADINGS else "h3"
    badges = []
    state = event.public_status  # « Annulé », « Reporté », « Complet »… (events/states.py)
    if state.badge:
        badges.append(_badge(state.label, f" fr-badge--{state.badge}"))
    # On-platform registration: the state of its seats, never a count (programme/seats.py).
    seats, kind = card_seats_label(event)
    if seats:
        badges.append(_badge(seats, f" fr-badge--{kind}"))
    if event.format_id:
        badges.append(_badge(event.format.name))
    if getattr(event, "has_resources", False):  # annotated by `selectors.public_events`
        badges.append(_badge("Ressources disponibles", " fr-badge--green-emeraude"))
    mode = (
        "Hybride"
        if event.attendance_mode == AttendanceMode.HYBRID
        else event.get_attendance_mode_display()
    )
    badges.append(
        f'<li><p class="fr-badge fr-badge--sm fr-badge--blue-cumulus">{escape(mode)}</p></li>'
    )
    sessions = event.sessions.all()
    when = ""
    if sessions:
        others = len(sessions) - 1
        more = f" (+&nbsp;{others} séance{'s' if others > 1 else ''})" if others else ""
        when = (
            '<p class="fr-card__detail fr-icon-calendar-line">'
            f"{escape(session_label(sessions[0]))}{more}</p>"
        )
    where = event_place(event)
    # No icon beside nothing: an event neither in person nor online has no place line.
    place = (
        f'<p class="fr-card__detail fr-icon-map-pin-2-line">{escape(where)}</p>' if where else ""
    )
    labs = ", ".join(escape(lab.name) for lab in event.labs.all())
    summary = f'<p class="fr-card__desc">{escape(event.summary)}</p>' if event.summary else ""
    picture = event.picture
    header = (
        '<div class="fr-card__header"><div class="fr-card__img">'
        f"{picture_img(picture, sizes=CARD_IMAGE_SIZES, css_class='fr-responsive-img')}"
        "</div></div>"
        if picture
        else ""
    )
    return (
        '<div class="fr-card fr-enlarge-link moisinno-event-card"><div class="fr-card__body">'
        '<div class="fr-card__content">'
        f'<{tag} class="fr-card__title"><a href="{escape(event.get_absolute_url())}">'
        f"{escape(event.title)}</a></{tag}>{summary}"
        f'<div class="fr-card__start"><ul class="fr-badges-group">{"".join(badges)}</ul>'
        f"{when}</div>"
        '<div class="fr-card__end">'
        f"{place}"
        f'<p class="fr-card__detail fr-icon-team-line">{escape(event.organization.name)}'
        f"{f' — avec {labs}' if labs else ''}</p>"
        f"</div></div>{FOOTER_SLOT}</div>{header}</div>"
    )


def star_button(event, request, *, in_card: bool = False) -> SafeString:
    """« Mon programme »: add or remove `event` (a POST form, no JavaScript needed); the
    visitor comes back to the same place of the page (`#etoile-<slug>`). No CSRF token: the
    pages that show it are kept by the shared page cache; the view refuses cross-site posts
    from the browser's Sec-Fetch-Site and Origin headers (programme/visitor.py). `in_card`:
    in a card's footer (`event_card`), which spaces it itself."""
    starred = request is not None and event.pk in starred_ids(request)
    anchor = f"etoile-{event.slug}"
    action = reverse("star_remove" if starred else "star_add", args=[event.slug])
    path = request.get_full_path() if request is not None else ""
    if starred:
        button = (
            '<button type="submit" class="fr-btn fr-btn--sm fr-btn--secondary '
            'fr-icon-star-fill fr-btn--icon-left">Retirer de mon programme'
        )
    else:
        button = (
            '<button type="submit" class="fr-btn fr-btn--sm fr-btn--tertiary '
            'fr-icon-star-line fr-btn--icon-left">Ajouter à mon programme'
        )
    spacing = "" if in_card else ' class="fr-mt-1w"'
    return mark_safe(  # noqa: S308 - every value is escaped
        f'<form method="post" id="{escape(anchor)}"{spacing} action="{escape(action)}">'
        f'<input type="hidden" name="next" value="{escape(path)}#{escape(anchor)}">'
        f'{button}<span class="fr-sr-only">&nbsp;: {escape(event.title)}</span></button></form>'
    )
