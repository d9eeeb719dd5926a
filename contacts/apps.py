from django.apps import AppConfig


class ContactsConfig(AppConfig):
    name = "contacts"
    verbose_name = "Contacts"

    def ready(self):
        from citizens.panels import register_panel
        from contacts.panels import contact_actions_context, contact_panel_context

        register_panel("contacts/_citizen_panel.html", order=20, context=contact_panel_context)
        register_panel(
            "contacts/_citizen_actions.html",
            order=1,
            context=contact_actions_context,
            slot="actions",
        )
