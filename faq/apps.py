from django.apps import AppConfig


class FaqConfig(AppConfig):
    name = "faq"
    verbose_name = "FAQs and content"

    def ready(self):
        from citizens.panels import register_panel
        from contacts.extensions import (
            register_contact_panel,
            register_end_prefill,
            register_linked_related,
        )
        from faq import integrations
        from faq.models import ArticleOpen, ArticleSend

        register_panel("faq/_citizen_panel.html", order=15)
        register_contact_panel("faq/_contact_panel.html", context=integrations.contact_panel)
        register_end_prefill(integrations.end_prefill)
        # Listed among a contact's linked items: their names are their articles' titles.
        register_linked_related(ArticleOpen, "article")
        register_linked_related(ArticleSend, "article")
