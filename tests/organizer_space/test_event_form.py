import datetime
import re

import pytest
from django.urls import reverse

from events.changes import ORGANIZER_FIELDS, ORGANIZER_M2M_FIELDS
from events.enums import AttendanceMode, EventStatus
from events.models import Event, EventSession
from organizer_space.forms.events import EVENT_FORM_SECTIONS, UPLOADED_IMAGE_FIELDS
from tests.factories import EventFactory, LabFactory, OrganizationFactory, ThemeFactory
from tests.organizer_space.forms import complete_event_fields, event_form_data

CREATE_URL = reverse("organizers:event_create")


def day_in(edition, offset=3):
    return edition.start_date + datetime.timedelta(days=offset)


def test_event_create_saves_an_incomplete_draft(member_client, open_edition, organization):
    response = member_client.post(CREATE_URL, event_form_data(title="Atelier FALC"))

    event = Event.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("organizers:event_update", args=[event.pk])
    assert (event.status, event.title, event.organization) == (
        EventStatus.DRAFT,
        "Atelier FALC",
        organization,
    )
    assert event.edition == open_edition
    assert event.slug == "atelier-falc"
    assert event.created_by.email == "agent@bretagne.gouv.fr"


def test_event_create_with_two_sessions_refreshes_dates_and_region(
    member_client, open_edition, atelier
):
    first, second = day_in(open_edition, 3), day_in(open_edition, 10)
    data = event_form_data(
        sessions=[
            {"date": second.isoformat(), "start_time": "14:00", "end_time": "16:00"},
            {"date": first.isoformat(), "start_time": "", "end_time": ""},
        ],
        **complete_event_fields(format_pk=atelier.pk),
    )

    member_client.post(CREATE_URL, data)

    event = Event.objects.get()
    assert list(event.sessions.values_list("date", flat=True)) == [first, second]
    assert (event.starts_on, event.ends_on) == (first, second)
    assert (event.department, event.region) == ("35", "53")


def test_event_create_saves_themes_labs_and_co_organizers(member_client, open_edition):
    theme, lab, partner = ThemeFactory(), LabFactory(), OrganizationFactory()
    data = event_form_data(themes=str(theme.pk), labs=str(lab.pk), co_organizers=str(partner.pk))

    member_client.post(CREATE_URL, data)

    event = Event.objects.get()
    assert list(event.themes.all()) == [theme]
    assert list(event.labs.all()) == [lab]
    assert list(event.co_organizers.all()) == [partner]


def test_event_form_with_errors_keeps_everything_typed(member_client, open_edition):
    data = event_form_data(
        title="",
        summary="Un résumé bien trop long. " * 10,
        description="Une description que l’on ne veut pas perdre.",
        online_url="pas-une-adresse",
        attendance_mode="hybrid",
        sessions=[
            {"date": day_in(open_edition).isoformat(), "start_time": "12:00", "end_time": "10:00"}
        ],
    )

    response = member_client.post(CREATE_URL, data)

    html = response.content.decode()
    assert response.status_code == 200
    assert not Event.objects.exists()
    assert "Une description que l’on ne veut pas perdre." in html
    assert 'value="pas-une-adresse"' in html
    assert f'value="{day_in(open_edition).isoformat()}"' in html
    assert 'value="hybrid" class="fr-radio' in html or re.search(
        r'value="hybrid"[^>]*checked', html
    )
    assert "Erreur\u00a0: Référencer un événement" in html


@pytest.mark.parametrize(
    ("field", "value", "input_id", "message"),
    [
        ("title", "", "id_title", "Ce champ est obligatoire."),
        ("summary", "x" * 201, "id_summary", "au plus 200 caractères"),
        (
            "registration_email",
            "pas-un-courriel",
            "id_registration_email",
            "Saisissez une adresse de courriel valide.",
        ),
        ("capacity", "0", "id_capacity", "supérieur ou égal à 1"),
    ],
)
def test_event_form_error_is_inline_tied_and_summarised(
    member_client, open_edition, field, value, input_id, message
):
    response = member_client.post(CREATE_URL, event_form_data(**{field: value}))

    html = response.content.decode()
    input_tag = re.search(rf"<(input|textarea)[^>]*id=\"{input_id}\"[^>]*>", html).group(0)
    assert f'aria-describedby="{input_id}-desc-error"' in input_tag
    assert 'aria-invalid="true"' in input_tag
    error_block = html.split(f'id="{input_id}-desc-error"', 1)[1][:400]
    assert message in error_block
    summary = html.split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    assert f'href="#{input_id}"' in summary
    assert message in summary


def test_session_ending_before_it_starts_is_refused_inline(member_client, open_edition):
    data = event_form_data(
        sessions=[
            {"date": day_in(open_edition).isoformat(), "start_time": "12:00", "end_time": "10:00"}
        ]
    )

    response = member_client.post(CREATE_URL, data)

    html = response.content.decode()
    assert 'aria-describedby="id_sessions-0-end_time-desc-error"' in html
    assert "Séance 1 — Heure de fin" in html
    assert "L’heure de fin doit suivre l’heure de début." in html
    assert not EventSession.objects.exists()


def test_add_session_without_javascript_adds_a_row_and_saves_nothing(member_client, open_edition):
    data = event_form_data(
        title="",  # even invalid data is shown back without error messages
        description="Gardée telle quelle",
        action="add_session",
        sessions=[
            {"date": day_in(open_edition).isoformat(), "start_time": "10:00", "end_time": ""}
        ],
    )

    response = member_client.post(CREATE_URL, data)

    html = response.content.decode()
    assert not Event.objects.exists()
    assert 'name="sessions-TOTAL_FORMS" value="2"' in html
    assert 'name="sessions-1-date"' in html
    assert "Gardée telle quelle" in html
    assert "error-summary" not in html
    assert "fr-error-text" not in html


@pytest.fixture
def draft(open_edition, organization):
    return EventFactory(edition=open_edition, organization=organization, title="Atelier FALC")


def test_event_update_edits_removes_and_adds_sessions(member_client, draft, open_edition):
    kept = draft.sessions.get()
    slug = draft.slug
    removed = EventSession.objects.create(event=draft, date=day_in(open_edition, 5))
    data = event_form_data(
        title="Atelier FALC, deuxième version",
        sessions=[
            {
                "id": str(kept.pk),
                "event": str(draft.pk),
                "date": kept.date.isoformat(),
                "start_time": "09:00",
                "end_time": "11:00",
            },
            {
                "id": str(removed.pk),
                "event": str(draft.pk),
                "date": removed.date.isoformat(),
                "start_time": "",
                "end_time": "",
                "DELETE": "on",
            },
            {"date": day_in(open_edition, 12).isoformat(), "start_time": "", "end_time": ""},
        ],
    )

    response = member_client.post(reverse("organizers:event_update", args=[draft.pk]), data)

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "Atelier FALC, deuxième version"
    assert draft.slug == slug  # the address stays, even for a new title
    sessions = list(draft.sessions.order_by("date"))
    assert [s.pk for s in sessions][0] == kept.pk
    assert sessions[0].start_time == datetime.time(9)
    assert not EventSession.objects.filter(pk=removed.pk).exists()
    assert sessions[1].date == day_in(open_edition, 12)
    assert draft.ends_on == day_in(open_edition, 12)


def test_event_update_blank_extra_row_is_ignored(member_client, draft):
    session = draft.sessions.get()
    data = event_form_data(
        sessions=[
            {
                "id": str(session.pk),
                "event": str(draft.pk),
                "date": session.date.isoformat(),
                "start_time": "10:00",
                "end_time": "12:00",
            },
            {"date": "", "start_time": "", "end_time": ""},
        ],
    )

    member_client.post(reverse("organizers:event_update", args=[draft.pk]), data)

    assert list(draft.sessions.values_list("pk", flat=True)) == [session.pk]


def test_event_form_clears_fields_that_do_not_apply(member_client, open_edition):
    data = event_form_data(
        attendance_mode=AttendanceMode.ONLINE,
        address="3 rue Martenot",
        city="Rennes",
        department="35",
        online_url="https://webinaire.example.gouv.fr",
        registration_mode="link",
        registration_url="https://inscription.example.gouv.fr",
        registration_email="inscription@example.gouv.fr",
        derogation_justification="Sans objet",
        sessions=[{"date": day_in(open_edition).isoformat()}],
    )

    member_client.post(CREATE_URL, data)

    event = Event.objects.get()
    assert (event.address, event.city, event.department, event.region) == ("", "", "", "")
    # The link is the session's, private until the organiser shows it.
    assert event.sessions.get().online_url == "https://webinaire.example.gouv.fr"
    assert event.online_url == ""
    assert (event.registration_url, event.registration_email) == (
        "https://inscription.example.gouv.fr",
        "",
    )
    assert event.derogation_justification == ""


def test_event_form_renders_sections_sessions_template_and_script(member_client, open_edition):
    response = member_client.get(CREATE_URL)

    html = response.content.decode()
    for heading in [
        "Présentation",
        "Séances\u00a0: dates, lieu et modalité",
        "Inscription",
        "Accessibilité",
        "Partenaires",
        "Contacts",
    ]:
        assert f">{heading}</h2>" in html
    assert '<template id="session-template">' in html
    assert 'name="sessions-__prefix__-date"' in html
    assert 'value="add_session"' in html
    assert "js/event-form.js" in html
    assert "<script>" not in html and " style=" not in html  # strict CSP
    # Implicit submission (Enter in a field) saves: the first submit button is "save".
    first_button = re.search(r"<button[^>]*type=\"submit\"[^>]*>", html.split("event-form")[1])
    assert 'value="save"' in first_button.group(0)


def test_event_update_of_published_event_lists_changed_fields(
    member_client, open_edition, organization
):
    event = EventFactory(
        edition=open_edition,
        organization=organization,
        published=True,
        title="Atelier FALC",
        summary="Ancien résumé",
    )
    session = event.sessions.get()
    data = event_form_data(
        title="Atelier FALC",
        summary="Nouveau résumé",
        city="Rennes",
        department="35",
        sessions=[
            {
                "id": str(session.pk),
                "event": str(event.pk),
                "date": session.date.isoformat(),
                "start_time": "14:00",
                "end_time": "16:00",
            },
        ],
    )

    response = member_client.post(reverse("organizers:event_update", args=[event.pk]), data)

    assert response.status_code == 302
    event.refresh_from_db()
    assert event.status == EventStatus.PUBLISHED
    assert event.changed_since_validation is True
    changes = {change["field"]: change for change in event.changed_fields}
    assert changes["summary"] == {
        "field": "summary",
        "label": "Résumé",
        "before": "Ancien résumé",
        "after": "Nouveau résumé",
    }
    assert changes["sessions"]["label"] == "Séances"
    assert "de 10\u00a0h à 12\u00a0h" in changes["sessions"]["before"]
    assert "14\u00a0h" in changes["sessions"]["after"]
    assert "title" not in changes


def test_the_form_sections_show_every_field_an_organiser_may_write_exactly_once():
    shown = [name for *_, names in EVENT_FORM_SECTIONS for name in names]

    # The image's key and size come from the upload (image_file), never typed.
    typed = [name for name in ORGANIZER_FIELDS if name not in UPLOADED_IMAGE_FIELDS]
    assert sorted(shown) == sorted([*typed, *ORGANIZER_M2M_FIELDS, "image_file", "image_remove"])


def test_a_forged_session_count_builds_at_most_thirty_rows_and_keeps_the_title(
    member_client, open_edition
):
    data = event_form_data(title="Atelier FALC")
    data["sessions-TOTAL_FORMS"] = "1000000000"

    response = member_client.post(CREATE_URL, data)

    html = response.content.decode()
    assert response.status_code == 200
    assert not Event.objects.exists()
    assert "Veuillez soumettre au plus 30 formulaires" in html
    assert 'value="Atelier FALC"' in html
    assert html.count('name="sessions-29-date"') == 1
    assert 'name="sessions-30-date"' not in html
