from django.apps import AppConfig


class TimelineConfig(AppConfig):
    name = "timeline"
    verbose_name = "Timeline"

    def ready(self):
        from citizens.merge import register_merge_handler
        from citizens.panels import register_panel
        from timeline.panels import timeline_panel_context
        from timeline.receivers import connect_all
        from timeline.services import entries_move, entries_move_back

        connect_all()
        # The timeline alone moves its entries when records merge (and back on an undo).
        register_merge_handler(
            "timeline.Entry.citizen", move=entries_move, move_back=entries_move_back
        )
        register_panel(
            "timeline/_citizen_panel.html",
            order=80,
            context=timeline_panel_context,
            tab="timeline",
            label="Timeline",
        )
