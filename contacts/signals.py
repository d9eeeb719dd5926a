"""The contacts app's domain events, sent inside the service transaction.

Every signal is sent with `sender=Contact`, `instance=<Contact>` and `actor=<Staff or None>`.

- `contact_started(instance, actor)`: a contact was opened (or recorded whole through the API,
  in which case `contact_ended` follows in the same transaction).
- `contact_citizen_attached(instance, citizen, actor)`: the caller of an anonymous contact was
  identified part-way through.
- `contact_ended(instance, actor)`: the contact was ended with its outcome. `actor` is None when
  the periodic job closed it (outcome "not recorded", `needs_review=True`); it is sent again,
  with the member of staff as actor, when they complete such a contact later. Receivers should
  therefore update their record of the contact rather than add a second one.
"""

from django.dispatch import Signal

contact_started = Signal()
contact_citizen_attached = Signal()
contact_ended = Signal()
