from contacts.models import Contact


def contact_open_for(*, staff) -> Contact | None:
    """The contact this member of staff is handling now (each holds at most one), if any."""
    if staff is None or not staff.is_authenticated:
        return None
    return (
        Contact.objects.open()
        .filter(agent=staff)
        .select_related("citizen", "channel", "location")
        .order_by("-started_at")
        .first()
    )
