"""When a moderator changes an organiser's event in the admin, the organisers receive the
changed fields (before / after) by e-mail, see them on their dashboard, and the moderation log
keeps them."""

import re

from events.models import ModerationLogEntry
from moisinno.models import OutgoingEmail
from tests.admin_forms import resubmit_data, with_session
from tests.factories import EventFactory, MembershipFactory, ThemeFactory


def change_url(event) -> str:
    return f"/admin/events/event/{event.pk}/change/"


def test_moderator_edit_is_logged_mailed_and_shown_on_the_dashboard(client, moderator, edition):
    membership = MembershipFactory()
    colleague = MembershipFactory(organization=membership.organization).user
    theme = ThemeFactory(name="Expérience usager")
    event = EventFactory(
        edition=edition,
        organization=membership.organization,
        published=True,
        title="Atelier FALC",
        city="Rennes",
    )
    client.force_login(moderator)
    url = change_url(event)

    response = client.post(
        url,
        with_session(
            resubmit_data(client.get(url), title="Atelier FALC à Rennes", themes=[theme.pk]),
            city="Saint-Malo",
        ),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = ModerationLogEntry.objects.get(event=event, kind=ModerationLogEntry.EDIT)
    assert entry.actor == moderator
    title, sessions, themes = entry.changes
    assert title == {
        "field": "title",
        "label": "Titre",
        "before": "Atelier FALC",
        "after": "Atelier FALC à Rennes",
    }
    # The place is the session's: the change is in the sessions, where it happens.
    assert (sessions["field"], sessions["label"]) == ("sessions", "Séances")
    assert sessions["before"].endswith(", en présentiel\u00a0: Rennes")
    assert sessions["after"].endswith(", en présentiel\u00a0: Saint-Malo")
    assert themes == {
        "field": "themes",
        "label": "Thématiques",
        "before": "",
        "after": "Expérience usager",
    }
    email = OutgoingEmail.objects.get(template="event_edited_by_ditp")
    assert email.to == sorted([membership.user.email, colleague.email])
    assert email.subject == "L’équipe DITP a modifié votre événement « Atelier FALC à Rennes »"
    assert re.search(r"Séances\n  avant : .*Rennes\n  après : .*Saint-Malo", email.body_text)
    assert '<th scope="row">Thématiques</th>' in email.body_html

    client.force_login(membership.user)
    page = client.get("/espace-organisateur/").content.decode()
    assert "Modifications apportées par l’équipe DITP" in page
    assert "Rennes</td>" in page and "Saint-Malo</td>" in page

    # The history on the admin page shows it too.
    client.force_login(moderator)
    assert re.search(
        r"Séances : « [^»]*Rennes » → « [^»]*Saint-Malo »", client.get(url).content.decode()
    )


def test_saving_without_change_sends_nothing(client, moderator, edition):
    event = EventFactory(edition=edition, organization=MembershipFactory().organization)
    client.force_login(moderator)
    url = change_url(event)

    response = client.post(url, resubmit_data(client.get(url)))

    assert response.status_code == 302
    assert not ModerationLogEntry.objects.filter(kind=ModerationLogEntry.EDIT).exists()
    assert not OutgoingEmail.objects.filter(template="event_edited_by_ditp").exists()


def test_another_organisation_does_not_see_the_edit(client, moderator, edition):
    event = EventFactory(edition=edition, organization=MembershipFactory().organization)
    client.force_login(moderator)
    url = change_url(event)
    client.post(url, with_session(resubmit_data(client.get(url)), city="Brest"))
    assert ModerationLogEntry.objects.filter(kind=ModerationLogEntry.EDIT).count() == 1

    client.force_login(MembershipFactory().user)
    page = client.get("/espace-organisateur/").content.decode()

    assert "Modifications apportées par l’équipe DITP" not in page
    assert "Brest" not in page
