from django.apps import AppConfig


class IntegrationConfig(AppConfig):
    name = "integration"
    verbose_name = "Integration with other systems"

    def ready(self):
        from integration import receivers
        from integration.webhooks import WebhookBackend
        from notifications.backends import register_channel_backend

        receivers.connect_all()
        register_channel_backend("webhook", WebhookBackend)
