"""The generator's batch slugs agree with the shared `moisinno.text.unique_slug`."""

from demo.generation import unique_slugs
from events.models import Event
from moisinno.text import unique_slug
from tests.factories import EventFactory


def test_batch_slugs_match_unique_slug_saving_one_by_one(db):
    for slug in ["atelier-design", "atelier-design-2", "atelier-design-4", "hackathon"]:
        EventFactory(slug=slug)
    titles = [
        "Atelier design",
        "Atelier design",
        "Atelier : design !",
        "Hackathon",
        "Forum ouvert",
        "Forum ouvert",
        "!!!",
        "Œuvre " + "très longue " * 30,
        "Œuvre " + "très longue " * 30,
    ]

    batch = unique_slugs(titles)

    one_by_one = []
    template = Event.objects.first()
    for title in titles:
        slug = unique_slug(Event, title, max_length=200)
        EventFactory(slug=slug, edition=template.edition, organization=template.organization)
        one_by_one.append(slug)
    assert batch == one_by_one
    assert len(set(batch)) == len(batch)
