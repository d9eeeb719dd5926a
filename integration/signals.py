"""The integration app's domain signals, sent inside the transaction of what they report.

- `rows_imported(sender=ImportRow, rows=[ImportRow, ...], actor, source)`: rows of an import
  that touched a citizen (matched, new or needs review), after they are written.
- `service_account_synced(sender=ServiceAccount, instance=account, actor, citizen_id, created,
  system_name, version)`: a back-office system created or updated a service account.
- `webhook_delivered(sender=WebhookAttempt, instance=attempt, citizen_id, system_name)`: an
  event about a citizen (or one of their requests) reached a client system.
"""

from django.dispatch import Signal

rows_imported = Signal()
service_account_synced = Signal()
webhook_delivered = Signal()
