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
    _connect_officers_kept()


def _staff_changed(sender, instance=None, update_fields=None, **kwargs):
    """A member of staff added, changed or removed: the assign form's kept officers
    (`forms.HeldOfficersIterator`) are read again. Signing in saves only `last_login`,
    which no list shows."""
    from core.refcache import refcache_forget

    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    refcache_forget()


def _connect_officers_kept():
    from django.contrib.auth import get_user_model
    from django.db.models.signals import post_delete, post_save

    staff = get_user_model()
    for name, signal in (("saved", post_save), ("deleted", post_delete)):
        signal.connect(_staff_changed, sender=staff, dispatch_uid=f"requests_officers_{name}")


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
