from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit"

    def ready(self):
        from audit import receivers  # noqa: F401  (sign-in and sign-out rows)
        from audit.subject_access.registry import autodiscover

        autodiscover()
