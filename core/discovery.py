"""Find a module of the same name in every installed app (`demo`, `reference`…), so commands in
core can run each app's part without importing any app above core."""

from importlib import import_module

from django.apps import apps
from django.utils.module_loading import module_has_submodule


def app_modules(name: str) -> list:
    """Each installed app's `<app>.<name>` module, in INSTALLED_APPS order."""
    return [
        import_module(f"{config.name}.{name}")
        for config in apps.get_app_configs()
        if module_has_submodule(config.module, name)
    ]
