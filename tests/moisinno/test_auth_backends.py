"""The permissions backend (moisinno/auth_backends.py): one query for a user's own and group
permissions, split as Django's own backend splits them."""

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from tests.factories import UserFactory

User = get_user_model()


@pytest.fixture
def user(db):
    user = UserFactory()
    group = Group.objects.create(name="Relecteurs")
    group.permissions.add(
        Permission.objects.get(codename="view_format"),
        Permission.objects.get(codename="change_event"),
    )
    user.user_permissions.add(Permission.objects.get(codename="change_event"))
    user.groups.add(group)
    return User.objects.get(pk=user.pk)  # no permission read yet


def test_a_users_permissions_are_read_in_one_query(user, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert user.has_perm("events.change_event")
        assert user.has_perm("events.view_format")
        assert not user.has_perm("events.delete_event")
        assert user.has_module_perms("events")


def test_they_are_split_as_djangos_backend_splits_them(user):
    theirs = DjangoModelBackend()
    fresh = User.objects.get(pk=user.pk)

    assert user.get_user_permissions() == theirs.get_user_permissions(fresh)
    assert user.get_group_permissions() == theirs.get_group_permissions(fresh)
    assert user.get_all_permissions() == theirs.get_all_permissions(fresh)
    assert user.get_user_permissions() == {"events.change_event"}
    assert user.get_group_permissions() == {"events.change_event", "events.view_format"}


def test_inactive_users_and_superusers_as_with_django(db):
    inactive = UserFactory(is_active=False)
    inactive.user_permissions.add(Permission.objects.get(codename="change_event"))
    superuser = UserFactory(is_superuser=True, is_staff=True)

    assert not User.objects.get(pk=inactive.pk).has_perm("events.change_event")
    assert User.objects.get(pk=superuser.pk).has_perm("events.delete_event")
    assert User.objects.get(pk=superuser.pk).get_all_permissions() == {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Permission.objects.select_related("content_type")
    }


def test_a_user_without_permissions_has_none(db, django_assert_num_queries):
    user = User.objects.get(pk=UserFactory().pk)

    with django_assert_num_queries(1):
        assert user.get_all_permissions() == set()
        assert not user.has_perm("events.view_event")


def test_sign_ins_and_open_sessions_keep_djangos_backends(client, moderator):
    moderator.set_password("un mot de passe assez long")
    moderator.save()

    signed_in = authenticate(username=moderator.username, password="un mot de passe assez long")
    assert signed_in.backend == "django.contrib.auth.backends.ModelBackend"
    assert authenticate(username=moderator.username, password="faux") is None
    # A session opened before this backend existed stays open.
    client.force_login(moderator, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(reverse("admin:index")).status_code == 200
