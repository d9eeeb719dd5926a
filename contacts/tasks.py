from celery import shared_task

from contacts.services import contact_close_abandoned


@shared_task(name="contacts.tasks.close_abandoned_contacts")
def close_abandoned_contacts() -> int:
    """Close contacts nobody ended (periodic; see CELERY_BEAT_SCHEDULE)."""
    return contact_close_abandoned()
