from django.apps import AppConfig


class HomeConfig(AppConfig):
    """The home page: the top of the house, gathering what each app says needs attention."""

    name = "home"
    verbose_name = "Home page"
