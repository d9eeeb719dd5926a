"""Signals core sends. `admin_viewed`: Django admin showed a list or one record of a model whose
admin class audits its views (core.admin.ViewAuditedAdmin); audit records it (audit owns that
coupling, core imports no app above it)."""

from django.dispatch import Signal

# sender=model class, request=HttpRequest, obj=the record shown (None for the list)
admin_viewed = Signal()
