"""Django's model backend, reading a member of staff's roles and permissions in one query, kept
in the process between requests until roles or permissions change (core.refcache) — and their
own row, which every signed-in page needs, kept the same way until any member of staff's row
is saved or deleted (accounts.apps)."""

from functools import cache

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db.models import CharField, Value

from accounts.models import Staff
from core.refcache import held


class StaffModelBackend(ModelBackend):
    """As ModelBackend, but their roles (groups), their roles' permissions and their own come in
    one query — Django reads permissions in two, and the page header reads the roles again."""

    def get_user(self, user_id):
        """The signed-in member of staff of a session: their row is kept per process (#19),
        and each request gets an instance of its own (permissions are cached on it)."""
        row = held(("staff row", user_id), lambda: _read_row(user_id))
        if row is None:
            return None
        user = Staff.from_db(Staff._default_manager.db, _row_fields(), row)
        return user if self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            if user_obj.is_superuser:
                rows = Permission.objects.values_list("content_type__app_label", "codename")
                user_obj._perm_cache = {f"{app}.{codename}" for app, codename in rows}
                return user_obj._perm_cache
            perms, roles = held(("permissions", user_obj.pk), lambda: _read(user_obj))
            user_obj._perm_cache = set(perms)
            # accounts.Staff.role_names reads this instead of querying the groups again.
            user_obj.__dict__["_role_names"] = list(roles)
        return user_obj._perm_cache


@cache
def _row_fields() -> tuple[str, ...]:
    return tuple(f.attname for f in Staff._meta.concrete_fields)


def _read_row(user_id) -> tuple | None:
    return Staff._default_manager.filter(pk=user_id).values_list(*_row_fields()).first()


def _read(user_obj) -> tuple[frozenset, tuple]:
    """(permissions, role names) of a member of staff, in one query."""
    # No ORDER BY inside the UNION (Permission has a default ordering; SQLite refuses it).
    by_role = (
        Group.objects.filter(user=user_obj)
        .order_by()
        .values_list("name", "permissions__content_type__app_label", "permissions__codename")
    )
    own = (
        Permission.objects.filter(user=user_obj)
        .order_by()
        .annotate(role=Value("", output_field=CharField()))
        .values_list("role", "content_type__app_label", "codename")
    )
    perms, roles = set(), []
    for role, app, codename in by_role.union(own, all=True):
        if role and role not in roles:
            roles.append(role)
        if codename:
            perms.add(f"{app}.{codename}")
    return frozenset(perms), tuple(sorted(roles))
