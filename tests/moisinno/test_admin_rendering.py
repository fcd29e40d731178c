"""The admin's fieldset and tabular inline written in Python (moisinno/admin_rendering.py) give
the markup of Django's templates, on whole change pages: each page is rendered with
`ADMIN_TEMPLATES_IN_PYTHON` on and off (off, the tags include Django's templates) and the two
must be the same, up to the length of whitespace runs (one space where the template has any,
none where it has none)."""

import re

import pytest
from django.contrib.admin.helpers import InlineAdminFormSet
from django.forms.renderers import get_default_renderer
from django.urls import reverse
from django.utils import timezone

from events.enums import EventStatus
from events.models import EventNote, EventReport, EventResource, ModerationLogEntry
from moisinno.admin_rendering import InlineMediaOnce
from moisinno.models import RegionalRelay
from tests.admin_forms import resubmit_data
from tests.factories import (
    EventFactory,
    EventSessionFactory,
    LabFactory,
    OrganizationFactory,
    UserFactory,
)


def _comparable(html: str) -> str:
    """The page without what changes at every request (CSRF token, CSP nonce, the breadcrumb's
    random id), its whitespace runs made one space."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "csrf", html)
    html = re.sub(r"breadcrumb-[a-z]{16}", "breadcrumb", html)
    html = re.sub(r'nonce="[^"]+"', "nonce", html)
    return re.sub(r"\s+", " ", html)


def _both_ways(settings, request) -> tuple:
    """The response of `request()` with the templates written in Python, then with Django's."""
    settings.ADMIN_TEMPLATES_IN_PYTHON = True
    ours = request()
    settings.ADMIN_TEMPLATES_IN_PYTHON = False
    theirs = request()
    settings.ADMIN_TEMPLATES_IN_PYTHON = True
    return ours, theirs


def _assert_same(ours, theirs) -> None:
    assert ours.status_code == theirs.status_code
    mine, reference = _comparable(ours.text), _comparable(theirs.text)
    if mine != reference:  # say where: a whole page in a diff is unreadable
        pairs = enumerate(zip(mine, reference, strict=False))
        at = next((i for i, (a, b) in pairs if a != b), min(len(mine), len(reference)))
        pytest.fail(
            f"differs at {at}:\nours:   {mine[at - 300 : at + 200]}\n"
            f"theirs: {reference[at - 300 : at + 200]}"
        )


@pytest.fixture
def event_with_history(edition, moderator):
    event = EventFactory(
        edition=edition,
        status=EventStatus.SUBMITTED,
        submitted_at=timezone.now(),
        title="Atelier « faire simple » & <vite>",
        summary='Des "agents" et des usagers.',
    )
    EventSessionFactory(event=event, capacity=30, waiting_list=True)
    event.labs.add(LabFactory())
    ModerationLogEntry.objects.create(
        event=event,
        from_status=EventStatus.DRAFT,
        to_status=EventStatus.SUBMITTED,
        actor=moderator,
        actor_role="moderator",
        message="Précisez le lieu <s'il vous plaît>.",
    )
    ModerationLogEntry.objects.create(
        event=event,
        from_status=EventStatus.SUBMITTED,
        to_status=EventStatus.SUBMITTED,
        actor=moderator,
        actor_role="moderator",
        kind=ModerationLogEntry.EDIT,
        changes=[{"field": "title", "label": "Titre", "before": "Avant", "after": "Après & <b>"}],
    )
    EventNote.objects.create(event=event, author=moderator, text="Rappeler\nl'organisation.")
    EventReport.objects.create(
        event=event,
        kind=EventReport.Kind.OTHER,
        message="L'adresse semble erronée.",
        email="visiteur@example.org",
    )
    EventResource.objects.create(
        event=event,
        kind=EventResource.Kind.REPLAY,
        title="Rediffusion",
        url="https://video.example.org/atelier",
    )
    return event


def test_the_change_page_is_the_same_as_with_djangos_templates(
    client, moderator, settings, event_with_history
):
    client.force_login(moderator)
    url = reverse("admin:events_event_change", args=[event_with_history.pk])

    ours, theirs = _both_ways(settings, lambda: client.get(url))

    assert ours.status_code == 200
    # What the page shows, through the Python rendering: the sessions' table, the history with
    # its escaped message, the notes, the report, the resource, the fieldsets' headings.
    for shown in [
        'id="sessions-group"',
        "Précisez le lieu &lt;s&#x27;il vous plaît&gt;.",
        "Après &amp; &lt;b&gt;",
        "Rappeler\nl&#x27;organisation.",
        "visiteur@example.org",
        "https://video.example.org/atelier",
        'class="fieldset-heading">Dates et lieu</h2>',
        'id="sessions-empty"',
    ]:
        assert shown in ours.text
    _assert_same(ours, theirs)


def test_a_relays_change_page_is_the_same_as_with_djangos_templates(
    client, settings, event_with_history
):
    relay = UserFactory(moderator=True, email="sgar@example.gouv.fr")
    RegionalRelay.objects.create(user=relay, regions=[event_with_history.region])
    client.force_login(relay)
    url = reverse("admin:events_event_change", args=[event_with_history.pk])

    ours, theirs = _both_ways(settings, lambda: client.get(url))

    assert ours.status_code == 200
    # The relay does not assign events: the field is read-only text, not a select.
    assert 'name="assigned_relay"' not in ours.text
    assert "field-assigned_relay" in ours.text
    _assert_same(ours, theirs)


def test_a_form_sent_back_with_errors_is_the_same_as_with_djangos_templates(
    client, moderator, settings, event_with_history
):
    client.force_login(moderator)
    url = reverse("admin:events_event_change", args=[event_with_history.pk])
    data = resubmit_data(
        client.get(url),
        title="",
        organization="",
        **{"sessions-0-start_time": "25:00", "sessions-0-capacity": "-3"},
    )

    ours, theirs = _both_ways(settings, lambda: client.post(url, data))

    assert ours.status_code == 200  # shown again, nothing saved
    errors = ours.context["adminform"].form.errors
    assert "title" in errors and "organization" in errors
    # The session's time is refused in its cell of the sessions' table.
    row = re.search(
        r'<tr class="form-row has_original"\s+id="sessions-0">.*?</tr>', ours.text, re.S
    )
    assert 'class="errorlist' in row.group(0)
    _assert_same(ours, theirs)
    event_with_history.refresh_from_db()
    assert event_with_history.title == "Atelier « faire simple » & <vite>"


def test_the_add_page_is_the_same_as_with_djangos_templates(client, settings, edition):
    # Moderators change events; the site's administrators may add one here.
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:events_event_add")

    ours, theirs = _both_ways(settings, lambda: client.get(url))

    assert ours.status_code == 200
    assert 'id="sessions-empty"' in ours.text
    _assert_same(ours, theirs)


def test_an_inlines_media_is_read_once_and_is_the_same(
    client, moderator, settings, event_with_history
):
    client.force_login(moderator)
    response = client.get(reverse("admin:events_event_change", args=[event_with_history.pk]))
    inline_admin_formsets = response.context["inline_admin_formsets"]

    assert {type(inline) for inline in inline_admin_formsets} == {InlineMediaOnce}
    for inline in inline_admin_formsets:
        # Django's own sum over every row.
        assert str(inline.media) == str(InlineAdminFormSet.media.fget(inline))
    sessions = next(i for i in inline_admin_formsets if i.formset.prefix == "sessions")
    assert "admin/js/calendar.js" in str(sessions.media)  # the sessions' date pickers


@pytest.mark.parametrize(
    "template_name",
    [
        "admin/widgets/date.html",
        "admin/widgets/time.html",
        "admin/widgets/url.html",
        "admin/widgets/split_datetime.html",
        "admin/widgets/related_widget_wrapper.html",
        "django/forms/widgets/select.html",
    ],
)
def test_the_admin_widgets_of_the_change_page_are_written_in_python(template_name):
    # What tests/moisinno/test_form_widgets.py compares with Django's own rendering on the
    # change page: the sessions' dates, times, links and closing, the related fields' links.
    assert get_default_renderer().written_in_python(template_name)


def test_the_pickers_write_their_chosen_objects_without_looking_them_up_again(
    client, moderator, event_with_history, django_assert_num_queries
):
    event = event_with_history
    event.labs.set([LabFactory(name="Zêta lab"), LabFactory(name="Alpha & <lab>")])
    event.co_organizers.set(
        [OrganizationFactory(name="Préfecture"), OrganizationFactory(name="Mairie « B »")]
    )
    client.force_login(moderator)
    form = (
        client.get(reverse("admin:events_event_change", args=[event.pk])).context["adminform"].form
    )

    for name in ("organization", "co_organizers", "labs"):
        widget = form.fields[name].widget.widget
        assert widget.known_objects  # given by the form
        with django_assert_num_queries(0):
            known = str(form[name])
        widget.known_objects = None  # Django's lookup of the chosen keys
        with django_assert_num_queries(1):
            looked_up = str(form[name])
        assert known == looked_up
    labs = str(form["labs"])
    assert labs.index("Alpha &amp; &lt;lab&gt;") < labs.index("Zêta lab")  # the model's order
    assert "selected" in labs


def test_a_picker_looks_up_chosen_keys_it_does_not_know(client, moderator, event_with_history):
    client.force_login(moderator)
    url = reverse("admin:events_event_change", args=[event_with_history.pk])
    other = LabFactory(name="Laboratoire d'ailleurs")
    data = resubmit_data(client.get(url), title="", labs=[str(other.pk)])

    response = client.post(url, data)

    assert response.status_code == 200  # the missing title: shown again
    assert "Laboratoire d&#x27;ailleurs" in str(response.context["adminform"].form["labs"])
