"""Audit rows for Django's own sign-in and sign-out signals and for configuration edited in
Django admin (core's `admin_changed`); audit owns these couplings."""

import json

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from audit.models import AuditEvent
from audit.services import audit_record
from core.signals import admin_changed


@receiver(user_logged_in, dispatch_uid="audit.audit_sign_in")
def audit_sign_in(sender, request, user, **kwargs):
    audit_record(actor=user, action=AuditEvent.Action.SIGN_IN, request=request)


@receiver(user_logged_out, dispatch_uid="audit.audit_sign_out")
def audit_sign_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(actor=user, action=AuditEvent.Action.SIGN_OUT, request=request)


@receiver(admin_changed, dispatch_uid="audit.audit_admin_change")
def audit_admin_change(sender, actor, request, obj, change, fields, message, **kwargs):
    """Who changed which configuration row in Django admin, and what changed."""
    try:
        summary = json.loads(message) if message else []
    except (TypeError, ValueError):
        summary = message
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE if change == "added" else AuditEvent.Action.CHANGE,
        obj=obj,
        detail={"via": "admin", "admin": change, "fields": fields, "summary": summary},
        request=request,
    )
