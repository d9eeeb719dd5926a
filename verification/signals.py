"""The verification app's domain signals, sent inside the service's transaction.

- `verification_attempted(sender=VerificationAttempt, instance=attempt, actor, citizen_id,
  service_account_label, service_area_id)`: attempt has `.citizen_id`, `.service_account_id`,
  `.result` in {"pass", "fail", "locked"}, `.failed_questions`, `.contact_id` (nullable) and
  `.created_at`; `service_account_label` is the account as shown to staff ("Council tax account
  CT00012345"), so receivers need not read the account again.
"""

from django.dispatch import Signal

verification_attempted = Signal()
