"""What each role may do, as Django permissions on auth groups.

`roles_sync()` creates the groups and grants exactly these permissions. It runs in a data
migration (where later apps' permissions do not exist yet, so it grants what exists) and again
after every `migrate`, once every app's permissions have been created: there a codename that
does not exist is an error (`UnknownPermission`), so a renamed or moved model cannot silently
take a permission away from a role. Add an app's codenames here when its models exist.
"""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from accounts.models import Role

FRONT_LINE = [
    # Find, create and keep citizens' records up to date; verify; notes; contacts; requests.
    "citizens.view_citizen",
    "citizens.add_citizen",
    "citizens.change_citizen",
    "verification.view_serviceaccount",
    "verification.verify_serviceaccount",
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
    "faq.view_article",
    "faq.view_staff_guidance",
    "faq.send_article",
    "timeline.view_entry",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.AGENT: FRONT_LINE,
    Role.RECEPTION: FRONT_LINE,
    Role.SERVICE_OFFICER: [
        "citizens.view_citizen",
        "citizens.change_citizen",
        "verification.view_serviceaccount",
        "verification.verify_serviceaccount",
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
        "faq.view_article",
        "faq.view_staff_guidance",
        "timeline.view_entry",
    ],
    Role.TEAM_LEADER: [
        *FRONT_LINE,
        "citizens.view_sensitive_note",
        "citizens.merge_citizen",
        "requests_tracking.change_request",
        "requests_tracking.work_request",
        "requests_tracking.work_any_area",
        "contacts.view_reports",
        "audit.view_auditevent",
        "faq.view_search_insights",
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


class UnknownPermission(LookupError):
    """A role names a permission that no installed model has."""


def roles_sync(group_model=Group, permission_model=Permission, *, strict=None):
    """Create the role groups and grant exactly their permissions.

    `strict` (the default with the real models, i.e. outside migrations) refuses a codename
    that does not exist instead of skipping it.
    """
    if strict is None:
        strict = permission_model is Permission
    for role, codes in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=role)
        if role == Role.ADMINISTRATOR:
            perms = permission_model.objects.all()
        else:
            perms = list(
                permission_model.objects.filter(_permission_query(codes)).select_related(
                    "content_type"
                )
            )
            if strict:
                found = {f"{p.content_type.app_label}.{p.codename}" for p in perms}
                missing = sorted(set(codes) - found)
                if missing:
                    raise UnknownPermission(
                        f"Role {role!r} names permissions that do not exist: {missing}"
                    )
        group.permissions.set(perms)
