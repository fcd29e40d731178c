"""factory_boy factories for the whole test suite."""

import contextlib
import datetime
from collections.abc import Iterator

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from events.enums import AttendanceMode, EventStatus
from events.models import Edition, Event, EventSession, Format, Theme
from labs.enums import LabKind
from labs.models import Lab
from organizers.enums import MembershipRole, MembershipStatus, OrganizationKind
from organizers.models import Membership, Organization

#: The production hasher is slow on purpose; tests create many users.
FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@contextlib.contextmanager
def module_data(django_db_blocker) -> Iterator[None]:
    """For a module fixture: the data made inside is made once for the module's tests, in a
    transaction rolled back after the last one. Each test runs in a savepoint of it (`db`),
    rolled back after it."""
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_PASSWORD_HASHERS),
        transaction.atomic(),
    ):
        yield
        transaction.set_rollback(True)


PASSWORD = "Mot-de-passe-de-test-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"agent{n}@example.gouv.fr")
    username = factory.SelfAttribute("email")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    class Params:
        moderator = factory.Trait(is_staff=True)

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if self.is_staff and not self.is_superuser:
            self.groups.add(Group.objects.get(name="Modérateur DITP"))
        self.save()


class EditionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Edition
        django_get_or_create = ["year"]

    year = 2022
    number = factory.LazyAttribute(lambda o: o.year - 2013)
    theme = "Co-production"
    start_date = factory.LazyAttribute(lambda o: datetime.date(o.year, 11, 2))
    end_date = factory.LazyAttribute(lambda o: datetime.date(o.year, 11, 30))
    referencing_opens_on = factory.LazyAttribute(lambda o: datetime.date(o.year, 9, 1))
    referencing_closes_on = factory.LazyAttribute(lambda o: datetime.date(o.year, 10, 29))
    is_current = True


def current_edition(
    *, starts_in: int = 60, opens: int = -10, closes: int = 30, years_later: int = 0
) -> Edition:
    """The current edition, starting `starts_in` days from today (four weeks long), its
    referencing window open from `opens` to `closes` days from today (open today by default).
    It is the edition of its start's year, `years_later` years on (so as to miss another's)."""
    today = timezone.localdate()
    start = today + datetime.timedelta(days=starts_in)
    return EditionFactory(
        year=start.year + years_later,
        start_date=start,
        end_date=start + datetime.timedelta(days=28),
        referencing_opens_on=today + datetime.timedelta(days=opens),
        referencing_closes_on=today + datetime.timedelta(days=closes),
        is_current=True,
    )


class FormatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Format
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Format {n}")
    slug = factory.Sequence(lambda n: f"format-{n}")


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Thématique {n}")
    slug = factory.Sequence(lambda n: f"thematique-{n}")


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Préfecture numéro {n}")
    slug = factory.Sequence(lambda n: f"organisation-{n}")
    kind = OrganizationKind.STATE_DECONCENTRATED
    region = "53"
    department = "35"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = MembershipRole.ADMIN
    status = MembershipStatus.ACTIVE


class LabFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lab

    name = factory.Sequence(lambda n: f"Lab d'innovation {n}")
    slug = factory.Sequence(lambda n: f"lab-{n}")
    kind = LabKind.TERRITORIAL
    region = "53"


def session_place_of(event: Event) -> dict:
    """The event's mode, place and (public) link, for a session held where it is."""
    in_person = event.attendance_mode != AttendanceMode.ONLINE
    online = event.attendance_mode != AttendanceMode.IN_PERSON
    return {
        "attendance_mode": event.attendance_mode,
        "venue_name": event.venue_name if in_person else "",
        "address": event.address if in_person else "",
        "postal_code": event.postal_code if in_person else "",
        "city": event.city if in_person else "",
        "department": event.department if in_person else "",
        "online_url": event.online_url if online else "",
        "online_url_public": bool(event.online_url) and online,
    }


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event
        skip_postgeneration_save = True

    edition = factory.SubFactory(EditionFactory)
    organization = factory.SubFactory(OrganizationFactory)
    title = factory.Sequence(lambda n: f"Atelier de co-production n° {n}")
    slug = factory.Sequence(lambda n: f"atelier-{n}")
    summary = "Un atelier pour concevoir un service public avec ses usagers."
    format = factory.SubFactory(FormatFactory, name="Atelier", slug="atelier")
    attendance_mode = AttendanceMode.IN_PERSON
    city = "Rennes"
    department = "35"
    region = "53"
    status = EventStatus.DRAFT
    starts_on = factory.LazyAttribute(lambda o: o.edition.start_date + datetime.timedelta(days=7))
    ends_on = factory.SelfAttribute("starts_on")

    class Params:
        published = factory.Trait(status=EventStatus.PUBLISHED)
        submitted = factory.Trait(status=EventStatus.SUBMITTED)
        # Meets every submission rule (events.eligibility) when its edition takes referencing.
        eligible = factory.Trait(
            description="Déroulé : accueil, atelier en petits groupes, restitution.",
            address="3 avenue de la Préfecture",
            private_contact_email="contact@bretagne.gouv.fr",
        )
        online = factory.Trait(
            attendance_mode=AttendanceMode.ONLINE,
            city="",
            department="",
            region="",
            online_url="https://webinaire.example.gouv.fr/salle",
        )

    @factory.post_generation
    def with_session(self, create, extracted, **kwargs):
        """One session on `starts_on`, unless `with_session=False`."""
        if create and extracted is not False and self.starts_on:
            EventSession.objects.create(
                event=self,
                date=self.starts_on,
                start_time=datetime.time(10),
                end_time=datetime.time(12),
                **session_place_of(self),
            )


class EventSessionFactory(factory.django.DjangoModelFactory):
    """A session held where its event is (as migration 0011 copied them), unless told."""

    class Meta:
        model = EventSession

    event = factory.SubFactory(EventFactory)
    date = factory.LazyAttribute(lambda o: o.event.starts_on)
    attendance_mode = factory.LazyAttribute(lambda o: o.event.attendance_mode)
    venue_name = factory.LazyAttribute(lambda o: session_place_of(o.event)["venue_name"])
    address = factory.LazyAttribute(lambda o: session_place_of(o.event)["address"])
    postal_code = factory.LazyAttribute(lambda o: session_place_of(o.event)["postal_code"])
    city = factory.LazyAttribute(lambda o: session_place_of(o.event)["city"])
    department = factory.LazyAttribute(lambda o: session_place_of(o.event)["department"])
    online_url = factory.LazyAttribute(lambda o: session_place_of(o.event)["online_url"])
    online_url_public = factory.LazyAttribute(lambda o: bool(o.event.online_url))
