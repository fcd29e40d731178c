"""A user's own and group permissions read in one query (`PermissionsBackend`).

Every back-office page asks for permissions, and Django's `ModelBackend` reads them in two
queries: the user's own, then those of its groups. This backend, first in
`AUTHENTICATION_BACKENDS`, reads both in one query (each row saying where it comes from) and
fills Django's caches on the user object, which the backends after it (Django's and allauth's,
both `ModelBackend`s) then read. It authenticates nobody: sign-ins and the sessions already open
keep Django's and allauth's backends, as before. Superusers, inactive and anonymous users go
through Django's own code.
"""

from django.contrib.auth.backends import ModelBackend
from django.db.models import CharField, Value


class PermissionsBackend(ModelBackend):
    def authenticate(self, request, **credentials):
        return None  # Django's and allauth's backends sign people in

    def get_all_permissions(self, user_obj, obj=None):
        if (
            obj is None
            and user_obj.is_active
            and not user_obj.is_anonymous
            and not user_obj.is_superuser
            and not hasattr(user_obj, "_user_perm_cache")
            and not hasattr(user_obj, "_group_perm_cache")
        ):
            self._read_permissions(user_obj)
        return super().get_all_permissions(user_obj, obj)

    def _read_permissions(self, user_obj) -> None:
        """Django's `_user_perm_cache` and `_group_perm_cache`, from one query."""

        def rows(permissions, source: str):
            return (
                permissions.annotate(source=Value(source, output_field=CharField()))
                .values_list("content_type__app_label", "codename", "source")
                .order_by()
            )

        own = rows(self._get_user_permissions(user_obj), "user")
        groups = rows(self._get_group_permissions(user_obj), "group")
        found: dict[str, set[str]] = {"user": set(), "group": set()}
        for app_label, codename, source in own.union(groups, all=True).order_by():
            found[source].add(f"{app_label}.{codename}")
        user_obj._user_perm_cache = found["user"]
        user_obj._group_perm_cache = found["group"]
