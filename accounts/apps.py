from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_roles(sender, app_config=None, **kwargs):
    """After the last app's permissions exist (post_migrate is sent once per app with models)."""
    from django.apps import apps

    from accounts.roles import roles_sync

    with_models = [c for c in apps.get_app_configs() if c.models_module is not None]
    if app_config is with_models[-1]:
        roles_sync()


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Staff and roles"

    def ready(self):
        # Later apps add models (and so permissions); grant them to the roles after migrating.
        post_migrate.connect(_sync_roles, dispatch_uid="accounts.sync_roles")
        _forget_permissions_on_change()


def _forget_permissions_on_change():
    """Roles, permissions and staff rows are kept per process (accounts.backends,
    core.refcache): any change to who has which role, to what a role may do or to a member of
    staff's row makes every process read them again."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from core.refcache import refcache_forget

    def forget(sender, **kwargs):
        if kwargs.get("action", "post_").startswith("post_"):
            refcache_forget()

    def forget_staff(sender, update_fields=None, **kwargs):
        # Signing in saves only `last_login`, which no page reads from the kept row: forgetting
        # everything kept in every process at each sign-in would cost more than it protects.
        if update_fields is not None and set(update_fields) <= {"last_login"}:
            return
        refcache_forget()

    staff = get_user_model()
    for through in (
        staff.groups.through,
        staff.user_permissions.through,
        Group.permissions.through,
    ):
        m2m_changed.connect(forget, sender=through, weak=False, dispatch_uid=f"refcache.{through}")
    # Staff: their rows are kept too (accounts.backends.StaffModelBackend.get_user), so a
    # password changed, someone made inactive or a usual location moved is seen on the next page.
    for model in (Group, Permission, staff):
        receiver = forget_staff if model is staff else forget
        for signal in (post_save, post_delete):
            signal.connect(receiver, sender=model, weak=False, dispatch_uid=f"refcache.{model}")
