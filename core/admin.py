from django.contrib import admin
from django.db import models

from core.signals import admin_changed, admin_viewed

# Values never copied into the audit trail, only that they changed.
SECRET_FIELD_WORDS = ("password", "token", "secret", "key", "answer")


def _shown(value):
    if isinstance(value, models.Model):
        return f"{value} (#{value.pk})"
    if isinstance(value, list | tuple | set | models.QuerySet):
        return [_shown(v) for v in value][:50]
    return "" if value is None else str(value)[:500]


def _field_changes(form) -> dict:
    """Old and new value of each field the admin form changed (secrets masked)."""
    changes = {}
    for name in form.changed_data:
        if any(word in name.lower() for word in SECRET_FIELD_WORDS):
            changes[name] = {"old": "(hidden)", "new": "(changed)"}
            continue
        field = form.fields.get(name)
        old = form.initial.get(name)
        if hasattr(field, "queryset") and old not in (None, "") and not isinstance(old, list):
            # A choice of another row: the form holds its id; show the row itself.
            old = field.queryset.model._default_manager.filter(pk=old).first() or old
        changes[name] = {"old": _shown(old), "new": _shown(form.cleaned_data.get(name))}
    return changes


class AuditedAdmin(admin.ModelAdmin):
    """Configuration that administrators edit here: every add, change and delete (and the
    retire/reinstate actions) is written to the audit trail — who, which object and what
    changed — through `core.signals.admin_changed`, which the audit app records.

    `audited_by_service = True` for an admin whose saves and deletions go through the app's own
    service, which writes the audit row itself (one row per change, not two)."""

    audited_by_service = False

    def save_form(self, request, form, change):
        # Every admin save (the change form and list-editable rows) passes here before
        # `save_model`, which some admins hand to a service instead of saving themselves.
        obj = super().save_form(request, form, change)
        obj._admin_field_changes = _field_changes(form)
        return obj

    def _announce(self, request, obj, change, message=""):
        if self.audited_by_service:
            return
        admin_changed.send(
            sender=type(obj),
            actor=request.user,
            request=request,
            obj=obj,
            change=change,
            fields=getattr(obj, "_admin_field_changes", {}),
            message=message,
        )

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        self._announce(request, obj, "added", message)
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        self._announce(request, obj, "changed", message)
        return entry

    def log_deletions(self, request, queryset):
        objects = list(queryset)
        entries = super().log_deletions(request, objects)
        for obj in objects:
            self._announce(request, obj, "deleted")
        return entries


@admin.action(description="Retire selected (untick active)")
def retire(modeladmin, request, queryset):
    for obj in queryset.filter(active=True):
        admin_changed.send(
            sender=type(obj),
            actor=request.user,
            request=request,
            obj=obj,
            change="retired",
            fields={"active": {"old": "True", "new": "False"}},
            message="",
        )
    queryset.update(active=False)


@admin.action(description="Reinstate selected (tick active)")
def reinstate(modeladmin, request, queryset):
    for obj in queryset.filter(active=False):
        admin_changed.send(
            sender=type(obj),
            actor=request.user,
            request=request,
            obj=obj,
            change="reinstated",
            fields={"active": {"old": "False", "new": "True"}},
            message="",
        )
    queryset.update(active=True)


class ReferenceDataAdmin(AuditedAdmin):
    """Reference rows are retired with `active`, not deleted, so history keeps its meaning."""

    list_display = ["name", "active", "ordering"]
    list_editable = ["active", "ordering"]
    list_filter = ["active"]
    search_fields = ["name"]
    ordering = ["ordering", "name"]
    actions = [retire, reinstate]

    def has_delete_permission(self, request, obj=None):
        return False


class ViewAuditedAdmin(admin.ModelAdmin):
    """Admin for records of citizens' personal data: every list and record shown is audited
    (through `core.signals.admin_viewed`, which the audit app records)."""

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        if request.method == "GET" and response.status_code == 200:
            admin_viewed.send(sender=self.model, request=request, obj=None)
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            obj = self.get_object(request, admin.utils.unquote(object_id))
            admin_viewed.send(sender=self.model, request=request, obj=obj)
        return response


class ReadOnlyAdmin(ViewAuditedAdmin):
    """Case records, written only through the app's services (which audit and send domain
    events): administrators can look and filter here, but not add, change or delete them
    around those rules. Every model holding case data uses it (tests/core/test_admin.py)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
