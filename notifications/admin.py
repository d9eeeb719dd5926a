from django import forms
from django.contrib import admin, messages

from core.admin import ViewAuditedAdmin
from notifications import placeholders
from notifications.models import Message, MessageTemplate
from notifications.services import message_retry, template_check


class MessageTemplateForm(forms.ModelForm):
    """Refuses a template that would send an empty gap: a placeholder nobody fills."""

    class Meta:
        model = MessageTemplate
        fields = ["name", "subject", "body", "sms_body", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].help_text = (
            "Sent as plain text (no HTML). " + placeholders.help_text() + "."
        )

    def clean(self):
        cleaned = super().clean()
        for name in ("subject", "body", "sms_body"):
            problem = template_check(cleaned.get(name) or "")
            if problem:
                self.add_error(name, problem)
        return cleaned


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    form = MessageTemplateForm
    list_display = ["name", "subject", "active"]
    list_filter = ["active"]
    search_fields = ["name", "subject", "body"]


@admin.register(Message)
class MessageAdmin(ViewAuditedAdmin):
    list_display = ["created_at", "channel", "recipient", "event", "status", "attempts", "sent_at"]
    list_filter = ["status", "channel", "backend"]
    search_fields = ["recipient", "idempotency_key", "provider_id", "object_id"]
    readonly_fields = [f.name for f in Message._meta.fields]
    actions = ["retry"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Send the selected failed messages again")
    def retry(self, request, queryset):
        count = 0
        for message in queryset.filter(status=Message.Status.FAILED):
            message_retry(actor=request.user, message=message)
            count += 1
        self.message_user(request, f"{count} message(s) will be sent again.", messages.SUCCESS)
