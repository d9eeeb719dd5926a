from django.apps import AppConfig


class RequestsTrackingConfig(AppConfig):
    name = "requests_tracking"
    verbose_name = "Requests and processes"

    def ready(self):
        from requests_tracking.integrations import register_all

        register_all()
        from requests_tracking import receivers

        receivers.connect()
        from core.warmup import register_warm_up
        from requests_tracking.working_time import bank_holidays_warm

        register_warm_up(bank_holidays_warm)  # SLA dates in a new web worker's first requests
