from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_roles(sender, **kwargs):
    from accounts.roles import roles_sync

    roles_sync()


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Staff and roles"

    def ready(self):
        from accounts import receivers  # noqa: F401

        # Later apps add models (and so permissions); grant them to the roles after migrating.
        post_migrate.connect(_sync_roles, dispatch_uid="accounts.sync_roles")
