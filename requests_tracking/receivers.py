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
