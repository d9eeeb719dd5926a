from django.contrib import admin, messages

from core.admin import AuditedAdmin, ReadOnlyAdmin
from verification import services
from verification.models import SecurityQuestion, ServiceAccount


@admin.register(ServiceAccount)
class ServiceAccountAdmin(ReadOnlyAdmin):
    """Stored security answers are never shown, not even to administrators."""

    list_display = [
        "reference",
        "kind",
        "citizen",
        "service_area",
        "last_synced_at",
        "locked_until",
    ]
    list_filter = ["kind", "service_area", "active"]
    search_fields = ["=reference_compact", "citizen__reference"]
    list_select_related = ["citizen", "service_area"]
    raw_id_fields = ["citizen"]


@admin.register(SecurityQuestion)
class SecurityQuestionAdmin(AuditedAdmin):
    """The questions agents ask per type of service account. Rewording keeps stored answers;
    changing the answer type or removing a question means they must be captured again."""

    list_display = ["label", "kind", "answer_type", "position", "key"]
    list_filter = ["kind", "answer_type"]
    ordering = ["kind", "position", "id"]
    fields = ["kind", "key", "label", "hint", "answer_type", "position"]
    actions = None  # removing goes through the delete page, which marks the answers
    audited_by_service = True  # security_question_save / _delete write the audit rows

    def get_readonly_fields(self, request, obj=None):
        # The key is what stored answers belong to; the type of account is where they live.
        return ["kind", "key"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        previous = form.initial.get("answer_type") if change else None
        marked = services.security_question_save(
            actor=request.user, question=obj, previous_type=previous
        )
        if not change:
            self.message_user(
                request,
                f"“{obj.label}” added: accounts of this type have no answer to it yet, so the "
                "verify page shows it as “not captured” until the back office sends one.",
                messages.WARNING,
            )
        elif previous != obj.answer_type:
            self.message_user(
                request,
                f"The answer type of “{obj.label}” changed, so the {marked} stored "
                f"answer{'' if marked == 1 else 's'} to it must be captured again: until then "
                "the verify page shows them as “not captured”.",
                messages.WARNING,
            )

    def delete_model(self, request, obj):
        marked = services.security_question_delete(actor=request.user, question=obj)
        self.message_user(
            request,
            f"“{obj.label}” was removed. Its {marked} stored answer{'' if marked == 1 else 's'} "
            "will not be asked for; if the question is added again they must be captured again.",
            messages.WARNING,
        )
