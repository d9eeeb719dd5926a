"""Audit rows for Django's own sign-in and sign-out signals (audit owns this coupling)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from audit.models import AuditEvent
from audit.services import audit_record
from audit.subjects import citizen_of
from core.signals import admin_viewed


@receiver(user_logged_in, dispatch_uid="audit.audit_sign_in")
def audit_sign_in(sender, request, user, **kwargs):
    audit_record(actor=user, action=AuditEvent.Action.SIGN_IN, request=request)


@receiver(user_logged_out, dispatch_uid="audit.audit_sign_out")
def audit_sign_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(actor=user, action=AuditEvent.Action.SIGN_OUT, request=request)


@receiver(admin_viewed, dispatch_uid="audit.audit_admin_view")
def audit_admin_view(sender, request, obj, **kwargs):
    """Django admin showed citizens' records: one row per record opened, one per list shown."""
    label = sender._meta.label_lower
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.VIEW,
        obj=obj,
        citizen=citizen_of(obj),
        detail={"admin": "change" if obj is not None else "changelist", "model": label},
        request=request,
    )
