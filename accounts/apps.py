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
