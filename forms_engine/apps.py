from django.apps import AppConfig


class FormsEngineConfig(AppConfig):
    name = "forms_engine"
    verbose_name = "Forms engine"

    def ready(self):
        from forms_engine.integrations import register_all

        register_all()
        _forget_fillable_forms_on_change()


def _forget_fillable_forms_on_change():
    """The forms each member of staff may fill are kept per process
    (selectors.forms_fillable_held): a change to a form, a portal, or who and what a portal
    holds makes every process read them again (role changes: accounts.apps)."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from core.refcache import refcache_forget
    from forms_engine.models import Form, Portal

    def forget(sender, **kwargs):
        if kwargs.get("action", "post_").startswith("post_"):
            refcache_forget()

    for through in (Form.portals.through, Portal.members.through):
        m2m_changed.connect(forget, sender=through, weak=False, dispatch_uid=f"refcache.{through}")
    for model in (Form, Portal):
        for signal in (post_save, post_delete):
            signal.connect(forget, sender=model, weak=False, dispatch_uid=f"refcache.{model}")
