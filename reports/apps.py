from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """Reports for managers: pages at the top of the house, gathering every app's figures."""

    name = "reports"
    verbose_name = "Reports"
