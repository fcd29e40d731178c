"""The paper's background work, run by the task worker (`manage.py db_worker`): a programme
too long to print within a request."""

from django.tasks import task


@task
def render_programme(edition_id: int, query: str) -> str:
    """Print the selection `query` of the edition and keep the PDF (`store.programme_store`);
    returns its name in the media storage, '' when the selection no longer exists."""
    from django.http import QueryDict  # noqa: PLC0415 - task body

    from events.models import Edition  # noqa: PLC0415 - task body

    from ..feeds.selection import (  # noqa: PLC0415 - task body
        InvalidSelection,
        edition_feed_selection,
    )
    from .store import programme_store  # noqa: PLC0415 - task body

    edition = Edition.objects.filter(pk=edition_id).first()
    if edition is None:
        return ""
    try:
        feed = edition_feed_selection(edition=edition, params=QueryDict(query))
    except InvalidSelection:
        return ""
    return programme_store(feed).name
