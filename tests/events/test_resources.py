"""Resources after the event (issue 12, §6): once its last session is over, an event's
organisers add links and small PDF files (replay, slides, report); the event page shows them
first, the programme filters and marks the events that have some, the API lists them, and a
moderator can remove one from the admin."""

import datetime
import io
import re
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events.enums import EventStatus
from events.models import PARIS, EventResource, ModerationLogEntry
from events.resources import MAX_FILE_BYTES, ResourceError, resource_add
from moisinno.models import OutgoingEmail
from organizer_space.forms.resources import ResourceForm
from tests.admin_forms import resubmit_data
from tests.factories import EditionFactory, EventFactory, EventSessionFactory, MembershipFactory
from tests.moisinno.test_hostile_input import PAYLOADS, UNESCAPED

# A real, minimal PDF document (one empty page), as a PDF writer produces it.
PDF = (
    b"%PDF-1.4\n"
    b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def membership(db):
    return MembershipFactory(user__email="agent@bretagne.gouv.fr")


@pytest.fixture
def member_client(client, membership):
    client.force_login(membership.user)
    return client


@pytest.fixture
def past_event(edition, membership):
    """A published event of 2022, long over (its one session: 9 November 2022, 10 h–12 h)."""
    return EventFactory(
        edition=edition,
        organization=membership.organization,
        published=True,
        title="Table ronde des usagers",
        slug="table-ronde",
    )


@pytest.fixture
def coming_event(membership):
    """A published event whose last session is tomorrow."""
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    edition = EditionFactory(
        year=tomorrow.year + 1,
        is_current=False,
        start_date=tomorrow - datetime.timedelta(days=10),
        end_date=tomorrow + datetime.timedelta(days=10),
        referencing_opens_on=None,
        referencing_closes_on=tomorrow - datetime.timedelta(days=20),
    )
    return EventFactory(
        edition=edition,
        organization=membership.organization,
        published=True,
        title="Atelier à venir",
        slug="atelier-a-venir",
        starts_on=tomorrow,
    )


def url(event) -> str:
    return f"/espace-organisateur/evenements/{event.pk}/ressources/"


def pdf_upload(content: bytes = PDF, name: str = "Mes supports.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


# When -------------------------------------------------------------------------------------------


def test_an_event_ends_with_its_last_session_or_at_the_end_of_its_day_without_a_time(
    past_event,
):
    EventSessionFactory(event=past_event, date=datetime.date(2022, 11, 15))  # no times
    EventSessionFactory(
        event=past_event,
        date=datetime.date(2022, 11, 14),
        start_time=datetime.time(9),
        end_time=datetime.time(18),
    )

    assert past_event.ended_at == datetime.datetime(2022, 11, 16, 0, 0, tzinfo=PARIS)


def test_before_the_last_session_is_over_adding_is_refused_with_a_clear_message(
    member_client, coming_event, membership
):
    # An earlier session is over, the last one is tomorrow.
    EventSessionFactory(event=coming_event, date=timezone.localdate() - datetime.timedelta(days=3))
    dashboard = page(member_client, "/espace-organisateur/")
    assert url(coming_event) not in dashboard  # no « Ressources » button yet

    html = page(member_client, url(coming_event))
    assert "une fois sa dernière séance terminée" in html
    assert 'enctype="multipart/form-data"' not in html  # no form to fill in for nothing

    response = member_client.post(
        url(coming_event), {"kind": "replay", "title": "Replay", "url": "https://video.fr/1"}
    )
    assert response.status_code == 302
    assert not EventResource.objects.exists()
    assert "une fois sa dernière séance terminée" in page(member_client, response["Location"])
    with pytest.raises(ResourceError):
        resource_add(
            event=coming_event,
            user=membership.user,
            kind="replay",
            title="Replay",
            url="https://video.fr/1",
        )


def test_a_cancelled_event_takes_no_resources(member_client, past_event):
    past_event.status = EventStatus.CANCELLED
    past_event.save()

    assert "s’ajoutent à un événement publié" in page(member_client, url(past_event))


# Adding, editing, reordering, removing ---------------------------------------------------------


def test_once_over_the_organiser_adds_a_link_shown_first_on_the_event_page(
    member_client, client, past_event
):
    assert url(past_event) in page(member_client, "/espace-organisateur/")

    response = member_client.post(
        url(past_event),
        {"kind": "replay", "title": "Replay de la table ronde", "url": "https://video.fr/42"},
    )

    assert response.status_code == 302
    resource = EventResource.objects.get()
    assert (resource.event, resource.kind, resource.url, resource.file.name) == (
        past_event,
        "replay",
        "https://video.fr/42",
        "",
    )
    assert past_event.status == EventStatus.PUBLISHED  # no re-moderation
    assert not ModerationLogEntry.objects.exists()
    client.logout()
    html = page(client, "/evenements/table-ronde/")
    assert 'id="resources-title"' in html
    assert "https://video.fr/42" in html and "Replay de la table ronde" in html
    # First: before the dates, the practical box and the description.
    assert html.index('id="resources-title"') < html.index('id="when-title"')
    assert html.index('id="resources-title"') < html.index("En pratique")


def test_the_organiser_adds_a_pdf_stored_through_the_default_storage(
    member_client, client, past_event, settings
):
    response = member_client.post(
        url(past_event),
        {"kind": "slides", "title": "Supports de la table ronde", "file": pdf_upload()},
    )

    assert response.status_code == 302
    resource = EventResource.objects.get()
    assert resource.size == len(PDF)
    # A folder of its own (a random token): a new file never takes a removed one's address.
    assert re.fullmatch(
        r"ressources/table-ronde/[0-9a-f]{12}/supports-de-la-table-ronde\.pdf", resource.file.name
    )
    stored = settings.MEDIA_ROOT / resource.file.name
    assert stored.read_bytes() == PDF
    html = page(client, "/evenements/table-ronde/")
    assert f'href="/media/{resource.file.name}"' in html
    assert 'download="supports-de-la-table-ronde.pdf"' in html
    assert "PDF\u00a0– 1\u00a0ko" in html
    assert "Supports de présentation" in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"file": lambda: pdf_upload(b"MZ\x90\x00 not a pdf", name="supports.pdf")},
            "n’est pas un document PDF",
        ),
        (
            {"file": lambda: pdf_upload(b"%PDF-1.4\n" + b"0" * MAX_FILE_BYTES)},
            "plus de 10\u00a0Mo",
        ),
        ({"url": "http://video.fr/42"}, "commence par https://"),
        ({"url": "javascript:alert(1)"}, "adresse web valide"),
        ({}, "Indiquez le lien de la ressource ou joignez un fichier PDF"),
        (
            {"url": "https://video.fr/1", "file": lambda: pdf_upload()},
            "pas les deux",
        ),
    ],
)
def test_a_bad_link_or_file_is_refused_in_french_and_the_form_is_kept(
    member_client, past_event, data, message
):
    data = {name: value() if callable(value) else value for name, value in data.items()}

    response = member_client.post(
        url(past_event), {"kind": "report", "title": "Compte rendu complet", **data}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'value="Compte rendu complet"' in html  # what was typed is kept
    assert '<option value="report" selected>' in html
    assert not EventResource.objects.exists()


def test_resources_are_edited_reordered_and_removed(
    member_client, past_event, settings, django_capture_on_commit_callbacks
):
    for title in ("Premier", "Deuxième"):
        member_client.post(
            url(past_event), {"kind": "other", "title": title, "url": "https://a.fr/" + title}
        )
    member_client.post(
        url(past_event), {"kind": "slides", "title": "Troisième", "file": pdf_upload()}
    )
    first, second, third = EventResource.objects.all()
    old_file = settings.MEDIA_ROOT / third.file.name

    edit = f"{url(past_event)}{first.pk}/modifier/"
    response = member_client.post(
        edit, {"kind": "report", "title": "Compte rendu", "url": "https://a.fr/cr"}
    )
    assert response.status_code == 302
    member_client.post(f"{url(past_event)}{third.pk}/deplacer/", {"sens": "haut"})
    with django_capture_on_commit_callbacks(execute=True):  # the old file goes once committed
        member_client.post(
            f"{url(past_event)}{third.pk}/modifier/",
            {"kind": "slides", "title": "Supports", "file": pdf_upload(PDF + b"% v2\n")},
        )

    resources = list(EventResource.objects.all())
    assert [r.title for r in resources] == ["Compte rendu", "Supports", "Deuxième"]
    assert resources[0].url == "https://a.fr/cr" and resources[0].kind == "report"
    assert resources[1].size == len(PDF) + 5
    assert not old_file.exists()  # the replaced file is gone

    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.post(f"{url(past_event)}{third.pk}/retirer/")
    assert response.status_code == 302
    assert [r.title for r in EventResource.objects.all()] == ["Compte rendu", "Deuxième"]
    assert not list((settings.MEDIA_ROOT / "ressources").rglob("*.pdf"))


def test_another_organisation_gets_a_404(client, past_event):
    resource = resource_add(
        event=past_event,
        user=past_event.organization.memberships.get().user,
        kind="replay",
        title="Replay",
        url="https://video.fr/1",
    )
    client.force_login(MembershipFactory().user)

    for path in [
        url(past_event),
        f"{url(past_event)}{resource.pk}/modifier/",
        f"{url(past_event)}{resource.pk}/retirer/",
    ]:
        assert client.get(path).status_code == 404
        assert client.post(path, {"title": "Piraté", "url": "https://x.fr"}).status_code == 404
    assert client.post(f"{url(past_event)}{resource.pk}/deplacer/").status_code == 404
    assert EventResource.objects.get().title == "Replay"


def test_a_resource_of_another_event_is_a_404_even_for_a_member(member_client, past_event):
    other = EventFactory(edition=past_event.edition, published=True)
    resource = resource_add(
        event=other,
        user=MembershipFactory(organization=other.organization).user,
        kind="replay",
        title="Replay",
        url="https://video.fr/1",
    )

    response = member_client.get(f"{url(past_event)}{resource.pk}/modifier/")

    assert response.status_code == 404


# Public pages ---------------------------------------------------------------------------------


@pytest.fixture
def with_resources(past_event):
    resource_add(
        event=past_event,
        user=past_event.organization.memberships.get().user,
        kind="replay",
        title="Replay",
        url="https://video.fr/1",
    )
    return past_event


def titles(response) -> list[str]:
    return [event.title for event in response.context["page_obj"].object_list]


def test_the_past_edition_filters_on_resources_and_the_cards_say_so(
    client, edition, with_resources
):
    EventFactory(edition=edition, published=True, title="Sans ressources")
    edition.is_current = False
    edition.save()
    EditionFactory(year=2023, is_current=True)  # 2022 is now a past edition

    everything = client.get("/editions/2022/")
    filtered = client.get("/editions/2022/?avec_ressources=1")

    assert sorted(titles(everything)) == ["Sans ressources", "Table ronde des usagers"]
    assert titles(filtered) == ["Table ronde des usagers"]
    html = everything.content.decode()
    assert 'name="avec_ressources"' in html
    assert html.count("Ressources disponibles") == 1
    assert [tag.label for tag in filtered.context["active_filters"]] == [
        "Avec des ressources (replay, supports, compte rendu)"
    ]


def test_the_filter_is_hidden_before_the_edition_begins(client, coming_event):
    coming_event.edition.start_date = timezone.localdate() + datetime.timedelta(days=1)
    coming_event.edition.is_current = True
    coming_event.edition.save()

    assert 'name="avec_ressources"' not in page(client, "/programme/")


def test_the_api_and_the_json_export_list_the_resources(client, edition, with_resources, settings):
    stored = resource_add(
        event=with_resources,
        user=with_resources.organization.memberships.get().user,
        kind="slides",
        title="Supports",
        file=pdf_upload(),
    )

    event = client.get("/api/v1/events/table-ronde/").json()
    listed = client.get("/api/v1/events/?avec_ressources=1").json()["results"]
    exported = client.get("/programme.json?avec_ressources=1")
    body = b"".join(exported.streaming_content).decode()

    assert event["resources"] == [
        {
            "kind": "replay",
            "kind_label": "Replay",
            "title": "Replay",
            "url": "https://video.fr/1",
            "format": None,
            "size": None,
        },
        {
            "kind": "slides",
            "kind_label": "Supports de présentation",
            "title": "Supports",
            "url": f"{settings.SITE_URL}/media/{stored.file.name}",
            "format": "pdf",
            "size": len(PDF),
        },
    ]
    assert [e["slug"] for e in listed] == ["table-ronde"]
    assert '"title": "Supports"' in body


def test_the_api_costs_the_same_queries_with_or_without_resources(client, edition, past_event):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/v1/events/?edition=2022").status_code == 200
        return len(captured)

    none = queries()
    for n in range(5):
        event = EventFactory(edition=edition, published=True)
        EventResource.objects.create(event=event, kind="replay", title=f"R{n}", url="https://a.fr")

    assert queries() == none


def test_the_event_page_costs_the_same_queries_with_resources(client, past_event):
    with CaptureQueriesContext(connection) as few:
        client.get("/evenements/table-ronde/")
    for n in range(5):
        EventResource.objects.create(
            event=past_event, kind="replay", title=f"R{n}", url="https://a.fr", position=n
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get("/evenements/table-ronde/")

    assert len(few) == len(many)
    assert response.content.decode().count("https://a.fr") == 5


def test_the_cached_page_shows_a_new_resource_on_the_next_request(client, past_event):
    for path in ["/evenements/table-ronde/", "/programme/", "/api/v1/events/table-ronde/"]:
        client.get(path)
        assert client.get(path)["X-Cache"] == "hit"

    resource = resource_add(
        event=past_event,
        user=past_event.organization.memberships.get().user,
        kind="replay",
        title="Replay tout neuf",
        url="https://video.fr/neuf",
    )

    for path in ["/evenements/table-ronde/", "/api/v1/events/table-ronde/"]:
        response = client.get(path)
        assert response["X-Cache"] == "miss", path
        assert "Replay tout neuf" in response.content.decode(), path
    assert "Ressources disponibles" in client.get("/programme/").content.decode()

    # A removal through the organiser's page shows at once too.
    client.get("/evenements/table-ronde/")
    member = past_event.organization.memberships.get().user
    client.force_login(member)
    client.post(f"{url(past_event)}{resource.pk}/retirer/")
    client.logout()
    assert "Replay tout neuf" not in client.get("/evenements/table-ronde/").content.decode()


# Admin ------------------------------------------------------------------------------------------


def test_a_moderator_sees_and_removes_a_resource_logged_and_told(client, moderator, past_event):
    member = past_event.organization.memberships.get().user
    resource_add(event=past_event, user=member, kind="slides", title="Supports", file=pdf_upload())
    resource_add(
        event=past_event, user=member, kind="other", title="Publicité", url="https://spam.fr"
    )
    client.force_login(moderator)
    change = f"/admin/events/event/{past_event.pk}/change/"
    form_page = client.get(change)
    html = form_page.content.decode()
    assert "Publicité" in html and "https://spam.fr" in html and "PDF\u00a0– 1\u00a0ko" in html

    spam = EventResource.objects.get(title="Publicité")
    data = resubmit_data(form_page)
    prefix = next(
        inline.formset.prefix
        for inline in form_page.context["inline_admin_formsets"]
        if inline.formset.model is EventResource
    )
    index = next(
        i
        for i, form in enumerate(
            next(
                inline.formset
                for inline in form_page.context["inline_admin_formsets"]
                if inline.formset.model is EventResource
            ).forms
        )
        if form.instance.pk == spam.pk
    )
    data[f"{prefix}-{index}-DELETE"] = "on"
    response = client.post(change, data)

    assert response.status_code == 302
    assert [r.title for r in EventResource.objects.all()] == ["Supports"]
    entry = ModerationLogEntry.objects.get(event=past_event, kind=ModerationLogEntry.EDIT)
    assert entry.actor == moderator
    assert entry.changes[0]["label"] == "Ressources"
    assert "Publicité" in entry.changes[0]["before"]
    assert "Publicité" not in entry.changes[0]["after"]
    assert OutgoingEmail.objects.filter(template="event_edited_by_ditp", to=[member.email]).exists()
    assert "Publicité" not in client.get("/evenements/table-ronde/").content.decode()


def test_uploaded_bytes_are_read_from_the_start(past_event):
    upload = SimpleUploadedFile("a.pdf", PDF)
    upload.file = io.BytesIO(PDF)
    upload.file.seek(7)

    form = ResourceForm({"kind": "slides", "title": "Supports"}, {"file": upload})

    assert form.is_valid(), form.errors


def test_the_demo_2022_has_a_few_resource_links(client, db):
    call_command("loaddata", "reference", "demo_2022", verbosity=0)

    resources = EventResource.objects.select_related("event")
    assert 1 <= resources.count() <= 5
    assert all(r.url.startswith("https://") and r.event.is_public for r in resources)
    html = page(client, "/programme/?avec_ressources=1")  # 2022 is the fixtures' current one
    assert html.count("Ressources disponibles") == resources.count()


def test_hostile_input_gives_form_errors_never_a_server_error(past_event, membership):
    client = Client(raise_request_exception=False)
    client.force_login(membership.user)
    valid = {"kind": "replay", "title": "Replay", "url": "https://video.fr/1"}
    failures = []
    for field_name in valid:
        for payload_name, payload in PAYLOADS.items():
            EventResource.objects.all().delete()
            values = payload if isinstance(payload, list) else [payload]
            pairs = [(k, v) for k, v in valid.items() if k != field_name]
            pairs += [(field_name, value) for value in values]
            response = client.post(
                url(past_event), urlencode(pairs), content_type="application/x-www-form-urlencoded"
            )
            html = response.content.decode(errors="replace")
            if response.status_code >= 500 or any(raw in html for raw in UNESCAPED):
                failures.append(f"{field_name}={payload_name}: {response.status_code}")

    assert failures == []
