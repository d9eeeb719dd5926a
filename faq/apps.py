from django.apps import AppConfig


class FaqConfig(AppConfig):
    name = "faq"
    verbose_name = "FAQs and content"

    def ready(self):
        from citizens.panels import register_panel
        from contacts.extensions import register_contact_panel, register_end_prefill
        from faq import integrations

        register_panel("faq/_citizen_panel.html", order=15)
        register_contact_panel("faq/_contact_panel.html", context=integrations.contact_panel)
        register_end_prefill(integrations.end_prefill)
