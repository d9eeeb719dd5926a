"""Forms for raising and working requests: validation and plain-words errors, no side effects."""

import copy
import os
import uuid

import filetype
from django import forms
from django.conf import settings
from django.forms.models import ModelChoiceIterator
from django.utils import timezone
from django.utils.text import get_valid_filename

from accounts.models import Staff
from citizens.normalise import postcode_normalise
from contacts.models import Channel
from core.refcache import HeldModelChoiceIterator, held, held_choices
from organisation.models import Team
from places.validation import LOCATION_NEEDED, coordinates_clean, uprn_clean, usrn_clean
from requests_tracking.models import Process, Request

# Detected content type -> the extension the file is stored with.
ALLOWED_TYPES = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/gif": "gif",
    "image/webp": "webp",
    "image/heic": "heic",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.oasis.opendocument.text": "odt",
}
ALLOWED_LABEL = "PDF, JPG, PNG, GIF, WEBP, HEIC, DOCX, XLSX or ODT"


class _ListedChoiceIterator(ModelChoiceIterator):
    """The choices of a ProcessChoiceField given a list of processes (kept ones)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.field.listed:
            yield self.choice(obj)

    def __len__(self):
        return len(self.field.listed) + (self.field.empty_label is not None)

    def __bool__(self):
        return self.field.empty_label is not None or bool(self.field.listed)


class ProcessChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.service_area.name}: {obj.name}"

    def offer(self, processes):
        """Offer a queryset, or a list of processes (kept per process: no query, and the one
        chosen is a copy of it with its stages)."""
        if isinstance(processes, list):
            self.listed = processes
            self.iterator = _ListedChoiceIterator
            self.widget.choices = self.choices
        else:
            self.queryset = processes

    def to_python(self, value):
        listed = getattr(self, "listed", None)
        if listed is None:
            return super().to_python(value)
        if value in self.empty_values:
            return None
        for process in listed:
            if str(process.pk) == str(value).strip():
                return copy.copy(process)
        raise forms.ValidationError(
            self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
        )


class RequestCreateForm(forms.Form):
    process = ProcessChoiceField(
        queryset=Process.objects.none(),
        label="What is the request about?",
        empty_label="Choose a process",
        error_messages={"required": "Choose what the request is about."},
    )
    description = forms.CharField(
        label="Describe the request",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        error_messages={"required": "Describe the request."},
    )
    address_line_1 = forms.CharField(
        label="Address or location",
        required=False,
        max_length=200,
        help_text="Where it is, e.g. '12 High Street' or 'outside the library'.",
    )
    postcode = forms.CharField(required=False, max_length=20)
    uprn = forms.CharField(
        label="UPRN",
        required=False,
        max_length=20,
        help_text="Filled in when you pick an address; type it if you know it.",
    )
    usrn = forms.CharField(label="USRN (street)", required=False, max_length=20)
    latitude = forms.CharField(
        required=False, max_length=20, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    longitude = forms.CharField(
        required=False, max_length=20, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    channel = held_choices(
        forms.ModelChoiceField(
            queryset=Channel.objects.for_staff(),
            required=False,
            label="How did the citizen get in touch?",
            empty_label="Not recorded",
            to_field_name="code",
        )
    )
    new_reason = forms.CharField(
        required=False,
        max_length=500,
        label="Why is this a new report?",
        help_text="For example: a different pile, further along the road, reported again "
        "after it was cleared.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, processes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["process"].offer(Process.objects.none() if processes is None else processes)

    def clean_postcode(self):
        value = self.cleaned_data["postcode"].strip()
        if not value:
            return ""
        try:
            return postcode_normalise(value)
        except ValueError:
            raise forms.ValidationError("Enter a real UK postcode, like SW1A 1AA.") from None

    def clean_uprn(self):
        return uprn_clean(self.cleaned_data["uprn"])

    def clean_usrn(self):
        return usrn_clean(self.cleaned_data["usrn"])

    def clean(self):
        cleaned = super().clean()
        try:
            cleaned["latitude"], cleaned["longitude"] = coordinates_clean(
                cleaned.get("latitude"), cleaned.get("longitude")
            )
        except forms.ValidationError as exc:
            self.add_error("latitude", exc)
        process = cleaned.get("process")
        if process is not None and process.place_based and not self.errors:
            has_place = cleaned.get("address_line_1") or cleaned.get("uprn")
            if not (has_place or cleaned.get("usrn") or cleaned.get("latitude") is not None):
                self.add_error("address_line_1", LOCATION_NEEDED)
        return cleaned


class PlaceProcessField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class AlreadyReportedForm(forms.Form):
    """A resident's "has this been reported already?" question: what, and where."""

    process = PlaceProcessField(
        queryset=Process.objects.none(),
        label="What do you want to report?",
        empty_label="Choose a problem",
        error_messages={
            "required": "Choose what you want to report.",
            "invalid_choice": "Choose what you want to report from the list.",
        },
    )
    where = forms.CharField(
        label="Where is it? Postcode or street",
        required=False,
        max_length=120,
        help_text="For example RG1 1AA, or 12 Friar Street",
    )
    uprn = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["process"].queryset = Process.objects.filter(
            place_based=True, is_current=True, active=True
        ).order_by("name")

    def clean_uprn(self):
        return uprn_clean(self.cleaned_data["uprn"])

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not (cleaned.get("where", "").strip() or cleaned.get("uprn")):
            self.add_error("where", "Enter a postcode or a street.")
        return cleaned


class DuplicateForm(forms.Form):
    original = forms.CharField(
        label="Reference of the request to keep",
        max_length=30,
        help_text="For example REQ-2026-000123. This request closes; its reporter and "
        "followers follow that one.",
        error_messages={"required": "Enter the reference of the request to keep."},
    )
    reason = forms.CharField(
        label="Why is it the same? (optional)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_original(self):
        reference = self.cleaned_data["original"].strip().upper()
        found = Request.objects.filter(reference=reference).first()
        if found is None:
            raise forms.ValidationError(
                f"There is no request {reference}. Check the reference, like REQ-2026-000123."
            )
        return found


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Enter the reason."},
    )


class DueChangeForm(forms.Form):
    """A new overall due date agreed for a request, with the reason (it is audited)."""

    due_date = forms.DateField(
        label="New due date",
        help_text="For example, 27/03/2027. The request is due by the end of that working day.",
        error_messages={
            "required": "Enter the new due date.",
            "invalid": "Enter the new due date as a real date, like 27/03/2027.",
        },
    )
    reason = forms.CharField(
        label="Reason for the change",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Enter the reason for changing the due date."},
    )

    def clean_due_date(self):
        day = self.cleaned_data["due_date"]
        if day < timezone.localdate():
            raise forms.ValidationError("The new due date must be today or later.")
        return day

    def due_at(self):
        """The end of the working day (17:00 local time) on the chosen date."""
        from datetime import datetime, time

        return timezone.make_aware(datetime.combine(self.cleaned_data["due_date"], time(17)))


class ResolveForm(forms.Form):
    resolution = forms.CharField(
        label="What was done",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        error_messages={"required": "Enter what was done to resolve the request."},
    )


class QuestionForm(forms.Form):
    question = forms.CharField(
        label="What do you need from the citizen?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="The citizen is sent this by email or text message.",
        error_messages={"required": "Enter what you need from the citizen."},
    )


class ReplyForm(forms.Form):
    text = forms.CharField(
        label="The citizen's reply",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        error_messages={"required": "Enter the citizen's reply."},
    )


class NoteForm(forms.Form):
    text = forms.CharField(
        label="Note",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        error_messages={"required": "Enter the note."},
    )
    visible_to_citizen = forms.BooleanField(required=False, label="The citizen can see this note")


class HeldOfficersIterator(HeldModelChoiceIterator):
    """The officers a request can be assigned to, kept per process. Not `held_choices`, which
    forgets every kept list on any save of the list's model — Django saves `last_login` at
    every sign-in. Staff changes are accounts' to announce (`accounts.apps`: any save or delete
    of a member of staff but a `last_login`-only one)."""

    def _rows(self):
        queryset = self.queryset
        sql, params = queryset.query.sql_with_params()
        return held(("officers", sql, tuple(params)), lambda: list(queryset))


class AssignForm(forms.Form):
    team = forms.ModelChoiceField(
        queryset=Team.objects.none(), required=False, empty_label="No team"
    )
    assigned_to = forms.ModelChoiceField(
        queryset=Staff.objects.filter(is_active=True),
        required=False,
        label="Officer",
        empty_label="Nobody",
    )

    def __init__(self, *args, service_request=None, **kwargs):
        super().__init__(*args, **kwargs)
        if service_request is not None:
            self.fields["team"].queryset = Team.objects.filter(
                service_area_id=service_request.service_area_id, active=True
            )
            self.fields["assigned_to"].queryset = Staff.objects.filter(
                is_active=True, groups__permissions__codename="work_request"
            ).distinct()
        # The teams and officers offered are kept per process (#19): a saved team, a member
        # of staff saved for anything but signing in (requests_tracking.receivers), or a
        # change of roles or of a role's permissions (accounts.apps) makes every process
        # read them again.
        team = held_choices(self.fields["team"])
        team.widget.choices = team.choices
        officer = self.fields["assigned_to"]
        officer.iterator = HeldOfficersIterator
        officer.widget.choices = officer.choices


class EvidenceForm(forms.Form):
    file = forms.FileField(
        label="Upload a file",
        help_text=f"{ALLOWED_LABEL}, up to {settings.MAX_UPLOAD_MB} MB.",
        error_messages={"required": "Choose a file to upload.", "empty": "The file is empty."},
    )
    description = forms.CharField(required=False, max_length=200, label="What is it? (optional)")
    visible_to_citizen = forms.BooleanField(required=False, label="The citizen can see this file")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.MAX_UPLOAD_MB * 1024 * 1024
        if upload.size > limit:
            raise forms.ValidationError(
                f"The file must be smaller than {settings.MAX_UPLOAD_MB} MB."
            )
        upload.seek(0)
        head = upload.read(8192)
        upload.seek(0)
        kind = filetype.guess(head)
        # The content decides, never the name: a program renamed to .pdf is still a program.
        if kind is None or kind.mime not in ALLOWED_TYPES:
            found = f" (it looks like a {kind.extension.upper()} file)" if kind else ""
            raise forms.ValidationError(f"The file must be a {ALLOWED_LABEL}{found}.")
        upload.detected_type = kind.mime
        upload.stored_name = f"{uuid.uuid4().hex}.{ALLOWED_TYPES[kind.mime]}"
        return upload

    def original_name(self) -> str:
        """The uploader's file name, without any folders, safe to show."""
        raw = os.path.basename(self.cleaned_data["file"].name.replace("\\", "/"))
        return (get_valid_filename(raw) if raw.strip(". ") else "file")[:200]


class PublicReplyForm(forms.Form):
    """A citizen's answer on the tracking page: words, and a photo or document if they have one."""

    text = forms.CharField(
        label="Your answer",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=4000,
        error_messages={
            "required": "Enter your answer.",
            "max_length": "Your answer must be 4,000 characters or fewer.",
        },
    )
    file = forms.FileField(
        label="Add a photo or document (optional)",
        required=False,
        help_text=f"{ALLOWED_LABEL}, up to {settings.MAX_UPLOAD_MB} MB.",
        error_messages={"empty": "The file you chose is empty."},
    )

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError("Enter your answer.")
        return text

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not upload:
            return None
        # The same checks as staff uploads: size, and the content decides the type.
        check = EvidenceForm(files={"file": upload}, data={})
        check.is_valid()
        if "file" in check.errors:
            raise forms.ValidationError(check.errors["file"])
        return check.cleaned_data["file"]

    def original_name(self) -> str:
        raw = os.path.basename(self.cleaned_data["file"].name.replace("\\", "/"))
        return (get_valid_filename(raw) if raw.strip(". ") else "file")[:200]


class FollowForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="We will only use it to tell you about this request.",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": "Enter your email address.",
            "invalid": "Enter an email address in the correct format, like name@example.com.",
        },
    )
