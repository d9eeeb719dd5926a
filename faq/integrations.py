"""What faq adds to the contacts pages through contacts.extensions (registered in apps.py)."""

from contacts.models import Outcome
from faq import selectors

INFORMATION_SENT = "information_sent"


def contact_panel(request, contact):
    """Articles for the reason picked in the end form, and what was opened and sent."""
    opened, sent = selectors.contact_knowledge(contact=contact)
    seen, distinct_opened = set(), []
    for item in opened:
        if item.article_id not in seen:
            seen.add(item.article_id)
            distinct_opened.append(item)
    return {
        "suggestions": selectors.article_suggestions(
            service_area_id=contact.service_area_id, contact_type_id=contact.contact_type_id
        ),
        "picked": bool(contact.service_area_id),
        "opened": distinct_opened,
        "sent": sent,
    }


def end_prefill(*, contact):
    """Outcome "information sent" when an article was sent during the contact."""
    if not selectors.contact_has_sent_information(contact=contact):
        return {}
    outcome = Outcome.objects.active().filter(code=INFORMATION_SENT).first()
    return {"outcome": outcome.pk} if outcome else {}
