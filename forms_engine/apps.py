from django.apps import AppConfig


class FormsEngineConfig(AppConfig):
    name = "forms_engine"
    verbose_name = "Forms engine"

    def ready(self):
        from forms_engine.integrations import register_all

        register_all()
