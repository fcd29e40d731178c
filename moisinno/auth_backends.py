"""Django's `ModelBackend`, reading a user's own and group permissions in one query.

Every back-office page asks for permissions, and Django reads them in two queries: the user's
own, then those of its groups. Here one query (both, each row saying where it comes from)
fills both of Django's caches on the user object. Django's methods then read them from there,
and so does allauth's backend, a `ModelBackend` too. Superusers, inactive and anonymous users
go through Django's own code.
"""

from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.db.models import CharField, Value


class ModelBackend(DjangoModelBackend):
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
