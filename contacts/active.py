"""The member of staff's open contact for the current request: one query, kept in the session.

`audit.services.audit_record` reads the session key to say which contact an audit row came
from, so the key follows the database (a contact the job closed drops out of the session).
"""

from audit.services import ACTIVE_CONTACT_SESSION_KEY
from contacts.selectors import ContactBar, contact_bar_for


def active_contact_for_request(request) -> ContactBar:
    """The open contact and the review count, fetched at most once per request."""
    bar = getattr(request, "_contacts_bar", None)
    if bar is not None:
        return bar
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        bar = ContactBar(None, 0)
    else:
        bar = contact_bar_for(staff=user)
        contact_session_remember(request, bar.contact)
    request._contacts_bar = bar
    return bar


def contact_session_remember(request, contact) -> None:
    """Put the open contact's id in the session (or take it out when there is none)."""
    session = getattr(request, "session", None)
    if session is None:
        return
    if contact is None:
        if ACTIVE_CONTACT_SESSION_KEY in session:
            del session[ACTIVE_CONTACT_SESSION_KEY]
    elif session.get(ACTIVE_CONTACT_SESSION_KEY) != contact.pk:
        session[ACTIVE_CONTACT_SESSION_KEY] = contact.pk
    request.__dict__.pop("_contacts_bar", None)  # the bar must show the change on this page
