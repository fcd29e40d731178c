"""What remains after an event: its organisers add links and small PDF files (replay, slides,
report) once its last session is over, edit, reorder and remove them; a DITP moderator may
remove one from the admin (logged, and told to the organisers).

No re-moderation: the event stays as it is. The resources appear at once on its public page:
saving one raises the public-content version (events/receivers.py), deleting one here too.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from moisinno.formatting import french_date, french_time
from moisinno.pagecache import public_content_changed
from moisinno.roles import is_moderator
from organizers.selectors import user_is_active_member

from . import states
from .enums import Actor
from .models import Event, EventResource, ModerationLogEntry, event_page_tags
from .notifications import notify_ditp_edit

#: The largest PDF an organiser may upload.
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_FILE_LABEL = "10\u00a0Mo"
#: At most this many resources per event: a page of resources, not a file share.
MAX_RESOURCES = 20
#: The model's `upload_to` names the stored file from the title, never from this.
UPLOAD_NAME = "document.pdf"


class ResourceError(Exception):
    """A resource change that cannot be made now; the message is shown to the user (French)."""


def resources_closed_message(event: Event, *, now=None) -> str:
    """Why resources cannot be added to `event` now, or "" when they can."""
    if not states.is_published(event):
        return (
            "Les ressources s’ajoutent à un événement publié, une fois sa dernière séance terminée."
        )
    ended_at = event.ended_at
    if ended_at is None:
        return "Ajoutez d’abord les séances de l’événement : les ressources viennent après."
    if ended_at > (now or timezone.now()):
        moment = timezone.localtime(ended_at)
        return (
            "Vous pourrez ajouter les ressources de l’événement (replay, supports, compte "
            f"rendu) une fois sa dernière séance terminée, à partir du {french_date(moment.date())}"
            f" à {french_time(moment.time())}."
        )
    return ""


def _check(event: Event, user: AbstractBaseUser) -> None:
    if not (
        user.is_authenticated
        and user.is_active
        and user_is_active_member(user=user, organization_id=event.organization_id)
    ):
        raise PermissionDenied
    if message := resources_closed_message(event):
        raise ResourceError(message)


def _locked_event(event: Event) -> Event:
    # Locked: two organisers adding at once get distinct positions.
    return Event.objects.select_for_update().get(pk=event.pk)


def resource_add(
    *,
    event: Event,
    user: AbstractBaseUser,
    kind: str,
    title: str,
    url: str = "",
    file: File | None = None,
) -> EventResource:
    """Add a link (`url`) or a PDF (`file`, already checked by the form) after the event."""
    _check(event, user)
    if bool(url) == bool(file):
        raise ValueError("A resource is a link or a file, not both nor neither.")
    with transaction.atomic():
        _locked_event(event)
        if event.resources.count() >= MAX_RESOURCES:
            raise ResourceError(
                f"Un événement compte au plus {MAX_RESOURCES} ressources : retirez-en une "
                "avant d’en ajouter une autre."
            )
        resource = EventResource(
            event=event,
            kind=kind,
            title=title.strip(),
            url=url,
            position=(event.resources.aggregate(n=Max("position"))["n"] or 0) + 1,
            created_by=user,
        )
        if file is not None:
            resource.size = file.size
            resource.file.save(UPLOAD_NAME, file, save=False)
        resource.save()  # the public-content version: events/receivers.py
    return resource


def resource_update(
    *,
    resource: EventResource,
    user: AbstractBaseUser,
    kind: str,
    title: str,
    url: str = "",
    file: File | None = None,
) -> EventResource:
    """Change a resource's kind and title, and its link (a link) or its PDF (a file, when a
    new one is given)."""
    event = resource.event
    _check(event, user)
    with transaction.atomic():
        resource.kind = kind
        resource.title = title.strip()
        if resource.is_file:
            if file is not None:
                old = resource.file.name
                resource.size = file.size
                resource.file.save(UPLOAD_NAME, file, save=False)
                transaction.on_commit(lambda: resource.file.storage.delete(old))
        elif url:
            resource.url = url
        resource.save()  # the public-content version: events/receivers.py
    return resource


def resource_move(*, resource: EventResource, user: AbstractBaseUser, up: bool) -> None:
    """Swap a resource with the one before it (`up`) or after it."""
    event = resource.event
    _check(event, user)
    with transaction.atomic():
        _locked_event(event)
        resources = list(event.resources.all())
        index = next(i for i, r in enumerate(resources) if r.pk == resource.pk)
        other = index - 1 if up else index + 1
        if not 0 <= other < len(resources):
            return
        resources[index], resources[other] = resources[other], resources[index]
        for position, item in enumerate(resources, start=1):
            if item.position != position:
                item.position = position
                item.save(update_fields=["position"])


def _delete(resource: EventResource) -> None:
    name = resource.file.name if resource.file else ""
    storage = resource.file.storage
    event_id = resource.event_id
    resource.delete()
    # No receiver on deletions: cascades stay fast.
    public_content_changed(*event_page_tags(event_id))
    if name:
        # The file goes once the row is gone for good (a rollback keeps both).
        transaction.on_commit(lambda: storage.delete(name))


def resource_delete(*, resource: EventResource, user: AbstractBaseUser) -> None:
    """An organiser removes a resource (and its file)."""
    if not (
        user.is_authenticated
        and user.is_active
        and user_is_active_member(user=user, organization_id=resource.event.organization_id)
    ):
        raise PermissionDenied
    with transaction.atomic():
        _delete(resource)


def resource_remove_by_ditp(*, resource: EventResource, user: AbstractBaseUser) -> None:
    """A DITP moderator removes a resource from the admin: the event's moderation log keeps
    it (« Ressources » before / after) and its organisers are told, as for any DITP edit."""
    if not is_moderator(user):
        raise PermissionDenied
    event = resource.event
    with transaction.atomic():
        before = resource_titles(event)
        _delete(resource)
        entry = ModerationLogEntry.objects.create(
            event=event,
            kind=ModerationLogEntry.EDIT,
            from_status=event.status,
            to_status=event.status,
            actor=user,
            actor_role=Actor.MODERATOR,
            message=f"Ressource retirée par la DITP : « {resource.title} ».",
            changes=[
                {
                    "field": "resources",
                    "label": "Ressources",
                    "before": before,
                    "after": resource_titles(event),
                }
            ],
        )
        notify_ditp_edit(event=event, entry=entry)


def resource_titles(event: Event) -> str:
    return "\u00a0; ".join(
        f"{r.get_kind_display()} : {r.title}" for r in event.resources.order_by("position", "pk")
    )
