from django.apps import AppConfig


class TimelineConfig(AppConfig):
    name = "timeline"
    verbose_name = "Timeline"

    def ready(self):
        from citizens.panels import register_panel
        from timeline.panels import timeline_panel_context
        from timeline.receivers import connect_all

        connect_all()
        register_panel(
            "timeline/_citizen_panel.html",
            order=80,
            context=timeline_panel_context,
            tab="timeline",
            label="Timeline",
        )
