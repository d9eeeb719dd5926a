from django.apps import AppConfig


class RequestsTrackingConfig(AppConfig):
    name = "requests_tracking"
    verbose_name = "Requests and processes"

    def ready(self):
        from requests_tracking.integrations import register_all

        register_all()
        from requests_tracking import receivers

        receivers.connect()
