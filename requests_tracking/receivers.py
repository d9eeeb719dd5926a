"""requests_tracking's handlers of other apps' signals (connected in AppConfig.ready())."""


def on_contact_citizen_attached(sender, instance, citizen=None, actor=None, **kwargs):
    """Requests raised during an anonymous contact belong to the caller once known."""
    from requests_tracking.services import requests_citizen_from_contact

    if citizen is not None:
        requests_citizen_from_contact(actor=actor, contact=instance, citizen=citizen)


def connect():
    from contacts.signals import contact_citizen_attached

    contact_citizen_attached.connect(
        on_contact_citizen_attached, dispatch_uid="requests_contact_citizen_attached"
    )
    _connect_finder_kinds()
    _connect_staff_areas()


def _forget_staff_areas(sender, action="", **kwargs):
    from core.refcache import refcache_forget

    if action.startswith("post_"):
        refcache_forget()


def _connect_staff_areas():
    """The service areas each member of staff works are kept per process
    (`selectors.staff_area_ids`): any change to them makes every process read them again."""
    from django.contrib.auth import get_user_model
    from django.db.models.signals import m2m_changed

    m2m_changed.connect(
        _forget_staff_areas,
        sender=get_user_model().service_areas.through,
        dispatch_uid="requests_tracking_staff_areas",
    )


def _connect_finder_kinds():
    """The duplicate finder keeps each process's related kinds: any change to processes,
    contact types or the links between them makes every worker read them again."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from contacts.models import ContactType
    from requests_tracking.finder import kinds_changed
    from requests_tracking.models import Process

    links = [Process.contact_types.through, Process.related_contact_types.through]
    for model in [Process, ContactType, *links]:
        for signal in (post_save, post_delete):
            signal.connect(
                kinds_changed, sender=model, dispatch_uid=f"finder_kinds_{model.__name__}"
            )
    for through in links:
        m2m_changed.connect(
            kinds_changed, sender=through, dispatch_uid=f"finder_kinds_m2m_{through.__name__}"
        )
