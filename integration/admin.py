"""Admin: client systems (scopes, tokens), webhook subscriptions and their delivery log."""

from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html

from core.admin import ViewAuditedAdmin
from integration.models import ClientSystem, EventType, WebhookAttempt, WebhookSubscription
from integration.services import client_system_save, client_system_token_issue
from integration.webhooks import UnsafeUrl, secret_new, url_addresses
from notifications.models import Message
from notifications.services import message_retry
from verification.models import ServiceAccount


class ClientSystemForm(forms.ModelForm):
    service_account_kinds = forms.MultipleChoiceField(
        choices=ServiceAccount.Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The service-account types it may write.",
    )

    class Meta:
        model = ClientSystem
        fields = [
            "name",
            "slug",
            "contact_name",
            "contact_email",
            "access",
            "service_account_kinds",
            "ip_allow_list",
            "rate_limit_per_minute",
            "allow_private_webhook_urls",
            "active",
        ]

    def clean_ip_allow_list(self):
        import ipaddress

        text = self.cleaned_data["ip_allow_list"]
        for line in filter(None, (part.strip() for part in text.splitlines())):
            try:
                ipaddress.ip_network(line, strict=False)
            except ValueError:
                raise forms.ValidationError(
                    f"“{line}” is not an address or network, like 203.0.113.7 or 203.0.113.0/24."
                ) from None
        return text


@admin.register(ClientSystem)
class ClientSystemAdmin(admin.ModelAdmin):
    form = ClientSystemForm
    list_display = ["name", "slug", "access", "active", "rate_limit_per_minute", "api_user"]
    list_filter = ["access", "active"]
    search_fields = ["name", "slug", "contact_name", "contact_email"]
    actions = ["issue_token"]

    @admin.display(description="API user")
    def api_user(self, system):
        return system.user.username if system.user_id else ""

    def save_model(self, request, obj, form, change):
        client_system_save(actor=request.user, system=obj)

    def has_delete_permission(self, request, obj=None):
        return False  # switch it off instead: its writes keep naming it

    @admin.action(description="Issue a new API token (replaces the current one)")
    def issue_token(self, request, queryset):
        for system in queryset:
            key = client_system_token_issue(actor=request.user, system=system)
            self.message_user(
                request,
                f"Token for {system.name} (shown only now — copy it): {key}",
                messages.WARNING,
            )


class WebhookSubscriptionForm(forms.ModelForm):
    url = forms.URLField(max_length=500, assume_scheme="https", label="URL")
    events = forms.MultipleChoiceField(
        choices=EventType.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = WebhookSubscription
        fields = ["client_system", "url", "events", "active"]

    def clean(self):
        cleaned = super().clean()
        system, url = cleaned.get("client_system"), cleaned.get("url")
        if system and url:
            try:
                url_addresses(url, allow_private=system.allow_private_webhook_urls)
            except UnsafeUrl as exc:
                self.add_error("url", str(exc))
        return cleaned


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    fields = ["attempted_at", "event", "message", "status_code", "error", "duration_ms"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    ordering = ["-attempted_at"]


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    form = WebhookSubscriptionForm
    list_display = ["client_system", "url", "active", "disabled_reason", "created_at"]
    list_filter = ["active", "client_system"]
    readonly_fields = ["signing_secret", "disabled_reason"]
    inlines = [WebhookAttemptInline]
    actions = ["replay_failed"]

    @admin.display(description="Signing secret")
    def signing_secret(self, obj):
        return format_html("<code>{}</code>", obj.secret) if obj.secret else "Made when saved."

    def save_model(self, request, obj, form, change):
        if not obj.secret:
            obj.secret = secret_new()
        if obj.active:
            obj.disabled_reason = ""
        super().save_model(request, obj, form, change)

    @admin.action(description="Send the failed deliveries of the selected subscriptions again")
    def replay_failed(self, request, queryset):
        count = 0
        for subscription in queryset:
            failed = Message.objects.filter(
                channel=Message.Channel.WEBHOOK,
                recipient=str(subscription.pk),
                status=Message.Status.FAILED,
            ).order_by("pk")
            for message in failed:
                message_retry(actor=request.user, message=message)
                count += 1
        self.message_user(request, f"{count} delivery(ies) will be sent again.", messages.SUCCESS)


@admin.register(WebhookAttempt)
class WebhookAttemptAdmin(ViewAuditedAdmin):
    """The delivery log: every try, its answer and how long it took."""

    list_display = ["attempted_at", "subscription", "event", "message", "status_code", "error"]
    list_filter = ["event", "subscription__client_system"]
    readonly_fields = [f.name for f in WebhookAttempt._meta.fields]
    actions = ["send_again"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Send these deliveries again (replay)")
    def send_again(self, request, queryset):
        ids = set(queryset.values_list("message_id", flat=True))
        for message in Message.objects.filter(pk__in=ids):
            message_retry(actor=request.user, message=message)
        self.message_user(
            request, f"{len(ids)} delivery(ies) will be sent again.", messages.SUCCESS
        )
