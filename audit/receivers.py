"""Audit rows for Django's own sign-in and sign-out signals and for configuration edited in
Django admin (core's `admin_changed`); audit owns these couplings."""

import json

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from accounts.signals import api_token_created, api_token_revoked, sign_in_refused
from audit.models import AuditEvent
from audit.services import audit_record
from audit.subjects import citizen_of
from core.signals import admin_changed, admin_viewed


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


@receiver(user_login_failed, dispatch_uid="audit.audit_sign_in_failed")
def audit_sign_in_failed(sender, credentials, request=None, **kwargs):
    """A wrong password, an unknown username or a locked account: no actor, the name tried."""
    username = str((credentials or {}).get("username", ""))[:150]
    audit_record(
        actor=None,
        action=AuditEvent.Action.SIGN_IN_FAILED,
        detail={"username": username},
        request=request if request is not None and hasattr(request, "session") else None,
    )


@receiver(sign_in_refused, dispatch_uid="audit.audit_sign_in_refused")
def audit_sign_in_refused(sender, request, username, reason, **kwargs):
    audit_record(
        actor=None,
        action=AuditEvent.Action.SIGN_IN_FAILED,
        detail={"username": username, "refused": reason},
        request=request,
    )


@receiver(api_token_created, dispatch_uid="audit.audit_api_token_created")
def audit_api_token_created(sender, instance, actor, **kwargs):
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=instance,
        detail={
            "owner": instance.owner.username,
            "read_only": instance.read_only,
            "expires_at": instance.expires_at.isoformat() if instance.expires_at else None,
            "scopes": instance.scopes,
        },
    )


@receiver(api_token_revoked, dispatch_uid="audit.audit_api_token_revoked")
def audit_api_token_revoked(sender, instance, actor, **kwargs):
    audit_record(
        actor=actor, action=AuditEvent.Action.CHANGE, obj=instance, detail={"revoked": True}
    )


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
