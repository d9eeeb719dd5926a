"""What each role may do, as Django permissions on auth groups.

`roles_sync()` creates the groups and grants exactly these permissions. It runs in a data
migration and again after every `migrate`, so permissions of models added by later apps are
granted without another migration. Codenames that do not exist (yet) are skipped.
"""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from accounts.models import Role

FRONT_LINE = [
    # Find, create and keep citizens' records up to date; verify; notes; contacts; requests.
    "citizens.view_citizen",
    "citizens.add_citizen",
    "citizens.change_citizen",
    "citizens.view_serviceaccount",
    "citizens.verify_serviceaccount",
    "citizens.view_note",
    "citizens.add_note",
    "contacts.view_contact",
    "contacts.add_contact",
    "contacts.change_contact",
    "requests_tracking.view_request",
    "requests_tracking.add_request",
    "requests_tracking.add_requestnote",
    "requests_tracking.view_evidence",
    "requests_tracking.add_evidence",
    "forms_engine.view_submission",
    "forms_engine.add_submission",
    "forms_engine.change_submission",
    "faq.view_faq",
    "timeline.view_entry",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.AGENT: FRONT_LINE,
    Role.RECEPTION: FRONT_LINE,
    Role.SERVICE_OFFICER: [
        "citizens.view_citizen",
        "citizens.change_citizen",
        "citizens.view_serviceaccount",
        "citizens.verify_serviceaccount",
        "citizens.view_note",
        "citizens.add_note",
        "contacts.view_contact",
        "requests_tracking.view_request",
        "requests_tracking.add_request",
        "requests_tracking.change_request",
        "requests_tracking.work_request",
        "requests_tracking.add_requestnote",
        "requests_tracking.view_evidence",
        "requests_tracking.add_evidence",
        "forms_engine.view_submission",
        "faq.view_faq",
        "timeline.view_entry",
    ],
    Role.TEAM_LEADER: [
        *FRONT_LINE,
        "citizens.view_sensitive_note",
        "citizens.merge_citizen",
        "requests_tracking.change_request",
        "requests_tracking.work_request",
        "contacts.view_reports",
        "audit.view_auditevent",
        "forms_engine.export_submission",
    ],
    # Partner organisations' staff: only their partner portals' forms (checked in the views).
    Role.PARTNER: [
        "forms_engine.view_submission",
        "forms_engine.add_submission",
    ],
    # Administrators get every permission (see roles_sync) and access to Django admin.
    Role.ADMINISTRATOR: [],
}


def _permission_query(codes):
    query = Q(pk__in=[])
    for code in codes:
        app_label, codename = code.split(".", 1)
        query |= Q(content_type__app_label=app_label, codename=codename)
    return query


def roles_sync(group_model=Group, permission_model=Permission):
    for role, codes in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=role)
        if role == Role.ADMINISTRATOR:
            perms = permission_model.objects.all()
        else:
            perms = permission_model.objects.filter(_permission_query(codes))
        group.permissions.set(perms)
