"""The citizens app's domain signals, sent inside the service's transaction.

Every signal is sent with `sender=<model class>`, `instance=...` and `actor=<Staff or None>`:

- `citizen_created(instance=citizen, actor)`
- `citizens_created(instances=[citizen, ...], actor)`: many citizens created at once (a bulk
  import, `citizens_create_many`); receivers handle them as a batch, each as if
  `citizen_created` had been sent for it.
- `citizen_changed(instance=citizen, actor, changes)`: changes is a list of
  `{"field", "label", "old", "new", "sensitive"}`; for sensitive fields (date of birth…) show
  that the field changed, never the values.
- `citizens_merged(instance=survivor, merged=<merged citizen>, actor, reason)`
- `citizens_unmerged(instance=<restored citizen>, survivor=<record it had been merged into>,
  actor, reason)`: a wrong merge undone; rows moved at merge time are back on `instance`.
- `note_added(instance=note, actor)`
"""

from django.dispatch import Signal

citizen_created = Signal()
citizens_created = Signal()
citizen_changed = Signal()
citizens_merged = Signal()
citizens_unmerged = Signal()
note_added = Signal()
