"""The form builder, in Django admin: no code.

A form's page lists its pages and rules (each edited on its own page: a page's fields, a rule's
conditions and actions), shows whether the working copy is published, what the publish checks
say, and its versions with "what changed" and "roll back". Everything people fill in runs on a
published version, so editing here never disturbs a form in progress.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from core.admin import AuditedAdmin, ReadOnlyAdmin
from forms_engine import services
from forms_engine.definition import snapshot_build
from forms_engine.models import (
    Form,
    FormField,
    FormPage,
    FormRule,
    FormVersion,
    Portal,
    RuleAction,
    RuleCondition,
    Submission,
)
from forms_engine.services.publishing import publish_problems
from forms_engine.versions import versions_diff


@admin.register(Portal)
class PortalAdmin(AuditedAdmin):
    list_display = ["name", "kind", "slug", "active"]
    list_filter = ["kind", "active"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["members"]


class FormPageInline(admin.TabularInline):
    model = FormPage
    extra = 0
    fields = ["order", "key", "title", "fields_link"]
    readonly_fields = ["fields_link"]

    @admin.display(description="Questions")
    def fields_link(self, obj):
        if not obj.pk:
            return "Save first, then add questions"
        url = reverse("admin:forms_engine_formpage_change", args=[obj.pk])
        return format_html(
            '<a href="{}">Edit questions ({})</a>', url, obj.fields.filter(parent=None).count()
        )


class FormRuleInline(admin.TabularInline):
    model = FormRule
    extra = 0
    fields = ["order", "name", "rule_link"]
    readonly_fields = ["rule_link"]

    @admin.display(description="Conditions and actions")
    def rule_link(self, obj):
        if not obj.pk:
            return "Save first, then add conditions and actions"
        url = reverse("admin:forms_engine_formrule_change", args=[obj.pk])
        return format_html(
            '<a href="{}">Edit ({} conditions, {} actions)</a>',
            url,
            obj.conditions.count(),
            obj.actions.count(),
        )


@admin.register(Form)
class FormAdmin(AuditedAdmin):
    list_display = ["name", "slug", "service_area", "process_code", "published", "active"]
    list_filter = ["service_area", "active", "portals"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["portals"]
    inlines = [FormPageInline, FormRuleInline]
    readonly_fields = ["publishing", "version_list"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "slug",
                    "description",
                    "service_area",
                    "portals",
                    "process_code",
                    "confirmation_text",
                    "active",
                ]
            },
        ),
        ("Keeping answers", {"fields": ["draft_retention_days", "submission_retention_days"]}),
        ("Publishing", {"fields": ["publishing", "version_list"]}),
    ]
    change_form_template = "admin/forms_engine/form/change_form.html"

    @admin.display(description="Published version")
    def published(self, obj):
        return obj.current_version.number if obj.current_version_id else "–"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("current_version", "service_area")

    @admin.display(description="State")
    def publishing(self, obj):
        if not obj.pk:
            return "Save the form first."
        snapshot = snapshot_build(obj)
        problems = publish_problems(obj, snapshot)
        current = obj.current_version
        if current is None:
            state = "Not published yet."
        elif current.snapshot == snapshot:
            state = f"Version {current.number} is published and matches what you see here."
        else:
            state = (
                f"Version {current.number} is published. You have changes that are not "
                "published: people keep filling in version "
                f"{current.number} until you publish."
            )
        if problems:
            items = format_html_join("", "<li>{}</li>", ((p,) for p in problems))
            return format_html(
                "<p>{}</p><p><strong>Publishing would be refused:</strong></p>"
                '<ul class="app-publish-problems">{}</ul>',
                state,
                items,
            )
        return format_html("<p>{}</p><p>The checks pass: it can be published.</p>", state)

    @admin.display(description="Versions")
    def version_list(self, obj):
        if not obj.pk:
            return "–"
        versions = list(obj.versions.defer("snapshot").select_related("published_by")[:20])
        if not versions:
            return "None yet."
        rows = []
        for i, v in enumerate(versions):
            diff = ""
            if i + 1 < len(versions):
                diff = reverse(
                    "admin:forms_engine_form_diff",
                    args=[obj.pk, versions[i + 1].number, v.number],
                )
            rollback = reverse("admin:forms_engine_form_rollback", args=[obj.pk, v.number])
            rows.append(
                (
                    v.number,
                    v.published_at.strftime("%d/%m/%Y %H:%M"),
                    v.published_by or "–",
                    v.note or "",
                    format_html('<a href="{}">What changed</a>', diff) if diff else "First",
                    format_html('<a href="{}">Roll back to this</a>', rollback)
                    if v.pk != obj.current_version_id
                    else "Current",
                )
            )
        body = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            rows,
        )
        return format_html(
            "<table><thead><tr><th>Version</th><th>Published</th><th>By</th><th>Note</th>"
            "<th></th><th></th></tr></thead><tbody>{}</tbody></table>",
            body,
        )

    def get_urls(self):
        return [
            path(
                "<int:pk>/publish/",
                self.admin_site.admin_view(self.publish_view),
                name="forms_engine_form_publish",
            ),
            path(
                "<int:pk>/versions/<int:old>/diff/<int:new>/",
                self.admin_site.admin_view(self.diff_view),
                name="forms_engine_form_diff",
            ),
            path(
                "<int:pk>/versions/<int:number>/rollback/",
                self.admin_site.admin_view(self.rollback_view),
                name="forms_engine_form_rollback",
            ),
            *super().get_urls(),
        ]

    def _form_or_deny(self, request, pk):
        form = get_object_or_404(Form, pk=pk)
        if not self.has_change_permission(request, form):
            raise PermissionDenied
        return form

    def publish_view(self, request, pk):
        form = self._form_or_deny(request, pk)
        if request.method != "POST":
            return redirect(reverse("admin:forms_engine_form_change", args=[pk]))
        try:
            version = services.form_publish(
                actor=request.user, form=form, note=request.POST.get("note", "")
            )
        except services.PublishRefused as exc:
            self.message_user(
                request,
                "Not published. Fix these first: " + " ".join(exc.problems),
                level=messages.ERROR,
            )
        else:
            self.message_user(
                request,
                f"Version {version.number} of “{form.name}” is published. Drafts already "
                "started finish on the version they started on.",
                level=messages.SUCCESS,
            )
        return redirect(reverse("admin:forms_engine_form_change", args=[pk]))

    def response_change(self, request, obj):
        if "_publish" in request.POST:
            return self.publish_view(request, obj.pk)
        return super().response_change(request, obj)

    def diff_view(self, request, pk, old, new):
        form = self._form_or_deny(request, pk)
        older = get_object_or_404(FormVersion, form=form, number=old)
        newer = get_object_or_404(FormVersion, form=form, number=new)
        context = {
            **self.admin_site.each_context(request),
            "title": f"{form.name}: what changed from version {old} to {new}",
            "form_obj": form,
            "changes": versions_diff(older.snapshot, newer.snapshot),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/forms_engine/form/diff.html", context)

    def rollback_view(self, request, pk, number):
        form = self._form_or_deny(request, pk)
        version = get_object_or_404(FormVersion, form=form, number=number)
        if request.method == "POST":
            try:
                new = services.form_rollback(actor=request.user, form=form, version=version)
            except services.PublishRefused as exc:
                self.message_user(
                    request,
                    f"Version {number} cannot be published again: " + " ".join(exc.problems),
                    level=messages.ERROR,
                )
            else:
                self.message_user(
                    request,
                    f"Rolled back: version {new.number} has the content of version {number}.",
                    level=messages.SUCCESS,
                )
            return redirect(reverse("admin:forms_engine_form_change", args=[pk]))
        current = form.current_version
        context = {
            **self.admin_site.each_context(request),
            "title": f"Roll back “{form.name}” to version {number}?",
            "form_obj": form,
            "version": version,
            "changes": versions_diff(current.snapshot, version.snapshot) if current else [],
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/forms_engine/form/rollback.html", context)


class FormFieldForm(forms.ModelForm):
    class Meta:
        model = FormField
        fields = [
            "page",
            "parent",
            "order",
            "key",
            "kind",
            "label",
            "hint",
            "required",
            "options",
            "content",
            "prefill",
            "default",
            "min_length",
            "max_length",
            "length_error",
            "min_value",
            "max_value",
            "range_error",
            "pattern",
            "pattern_error",
            "date_after",
            "date_before",
            "date_error",
            "required_error",
            "format_error",
            "max_items",
            "file_types",
            "max_file_mb",
        ]
        widgets = {
            "options": forms.Textarea(attrs={"rows": 3, "cols": 40}),
            "content": forms.Textarea(attrs={"rows": 3, "cols": 40}),
        }


class FormFieldInline(admin.StackedInline):
    model = FormField
    form = FormFieldForm
    extra = 0
    fk_name = "page"
    fieldsets = [
        (None, {"fields": [("order", "key", "kind"), "label", "hint", "required", "parent"]}),
        (
            "Options, text and values",
            {"fields": ["options", "content", "prefill", "default"], "classes": ["collapse"]},
        ),
        (
            "Validation and error messages",
            {
                "fields": [
                    "required_error",
                    "format_error",
                    ("min_length", "max_length", "length_error"),
                    ("min_value", "max_value", "range_error"),
                    ("pattern", "pattern_error"),
                    ("date_after", "date_before", "date_error"),
                    ("max_items", "file_types", "max_file_mb"),
                ],
                "classes": ["collapse"],
            },
        ),
    ]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            page_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = FormField.objects.filter(page_id=page_id, kind="repeating")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(FormPage)
class FormPageAdmin(AuditedAdmin):
    list_display = ["title", "form", "order", "key"]
    list_filter = ["form"]
    fields = ["form", "order", "key", "title", "intro"]
    inlines = [FormFieldInline]

    def get_readonly_fields(self, request, obj=None):
        return ["form"] if obj is not None else []

    def has_module_permission(self, request):
        return False  # reached from a form's page

    def response_change(self, request, obj):
        if "_continue" not in request.POST and "_addanother" not in request.POST:
            self.message_user(
                request, f"The page “{obj.title}” was changed successfully.", messages.SUCCESS
            )
            return redirect(reverse("admin:forms_engine_form_change", args=[obj.form_id]))
        return super().response_change(request, obj)


def _form_of(request, model):
    """The form a rule page is about: the rule's, or ?form= on the add page."""
    object_id = request.resolver_match.kwargs.get("object_id")
    if object_id:
        rule = model.objects.filter(pk=object_id).first()
        return rule.form_id if rule else None
    return request.GET.get("form") or request.POST.get("form")


def _field_choices(form_id, current=""):
    rows = FormField.objects.filter(page__form_id=form_id).select_related("page")
    choices = [("", "---------")] + [
        (f.key, f"{f.page.title}: {f.label} ({f.key})")
        for f in rows.order_by("page__order", "order")
    ]
    return choices


def _page_choices(form_id):
    return [("", "---------")] + [
        (p.key, f"{p.order}. {p.title}") for p in FormPage.objects.filter(form_id=form_id)
    ]


class KeyChoiceField(forms.ChoiceField):
    """A select of the form's fields that still shows a key that no longer exists, so the
    publish checks (not the admin) say what is wrong with it."""

    def valid_value(self, value):
        return True


class RuleConditionInline(admin.TabularInline):
    model = RuleCondition
    extra = 1
    fields = ["group", "field_key", "operator", "value"]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        choices = _field_choices(_form_of(request, FormRule))
        formset.form.base_fields["field_key"] = KeyChoiceField(
            label="Field", choices=choices, required=True
        )
        return formset


class RuleActionInline(admin.TabularInline):
    model = RuleAction
    extra = 1
    fields = ["kind", "target_field", "target_page", "value", "message"]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        form_id = _form_of(request, FormRule)
        formset.form.base_fields["target_field"] = KeyChoiceField(
            label="Field", choices=_field_choices(form_id), required=False
        )
        formset.form.base_fields["target_page"] = KeyChoiceField(
            label="Page", choices=_page_choices(form_id), required=False
        )
        formset.form.base_fields["message"].widget = forms.Textarea(attrs={"rows": 2, "cols": 30})
        return formset


@admin.register(FormRule)
class FormRuleAdmin(AuditedAdmin):
    list_display = ["name", "form", "order"]
    list_filter = ["form"]
    fields = ["form", "order", "name"]
    inlines = [RuleConditionInline, RuleActionInline]

    def has_module_permission(self, request):
        return False

    def get_readonly_fields(self, request, obj=None):
        return ["form"] if obj is not None else []

    def response_add(self, request, obj, post_url_continue=None):
        if "_continue" not in request.POST and "_addanother" not in request.POST:
            self.message_user(
                request, f"The rule “{obj.name}” was added successfully.", messages.SUCCESS
            )
            return redirect(reverse("admin:forms_engine_form_change", args=[obj.form_id]))
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if "_continue" not in request.POST and "_addanother" not in request.POST:
            self.message_user(
                request, f"The rule “{obj.name}” was changed successfully.", messages.SUCCESS
            )
            return redirect(reverse("admin:forms_engine_form_change", args=[obj.form_id]))
        return super().response_change(request, obj)


@admin.register(FormVersion)
class FormVersionAdmin(ReadOnlyAdmin):
    list_display = ["form", "number", "published_at", "published_by", "note"]
    list_filter = ["form"]
    fields = ["form", "number", "published_at", "published_by", "note", "snapshot"]
    readonly_fields = fields

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("forms_engine.view_formversion")


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "form", "status", "via", "citizen", "request", "last_saved_at"]
    list_filter = ["status", "via", "form", "needs_citizen_link"]
    search_fields = ["reference", "citizen__reference", "applicant_email"]
    raw_id_fields = ["citizen", "request", "contact"]
    list_select_related = ["form", "citizen", "request"]
    exclude = ["answers"]
