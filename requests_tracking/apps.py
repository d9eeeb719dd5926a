from django.apps import AppConfig


class RequestsTrackingConfig(AppConfig):
    name = "requests_tracking"
    verbose_name = "Requests and processes"
