"""Signals the platform sends for others to act on (the app that listens owns the coupling)."""

from django.dispatch import Signal

# Configuration added, changed or deleted in Django admin (`core.admin.AuditedAdmin`): sent with
# sender=<model class>, actor=<Staff>, request, obj, change ("added", "changed", "deleted",
# "retired", "reinstated"), fields ({name: {"old": …, "new": …}}, values of secret fields
# masked) and message (Django admin's own summary, naming changed fields and inline rows).
# The audit app writes each one to the audit trail (audit/receivers.py).
admin_changed = Signal()


# sender=model class, request=HttpRequest, obj=the record shown (None for the list)
admin_viewed = Signal()
