"""Forms: validation and plain-words errors only (no side effects)."""

from django import forms

from citizens.models import AssistanceFlag, Citizen
from citizens.normalise import phone_normalise, postcode_normalise
from core.refcache import held_choices
from organisation.models import ServiceArea

DATE_HELP = "For example, 27/03/1985"


class CitizenForm(forms.Form):
    """The person's details, contact details and current address (create and edit)."""

    title = forms.CharField(max_length=20, required=False)
    first_name = forms.CharField(max_length=100, required=False)
    middle_names = forms.CharField(max_length=150, required=False)
    last_name = forms.CharField(max_length=100, error_messages={"required": "Enter the last name"})
    preferred_name = forms.CharField(
        label="Preferred or known-as name", max_length=100, required=False
    )
    date_of_birth = forms.DateField(
        required=False,
        help_text=DATE_HELP,
        error_messages={"invalid": "Enter the date of birth as a real date, like 27/03/1985"},
    )
    email = forms.EmailField(
        label="Email address",
        required=False,
        max_length=254,
        error_messages={"invalid": "Enter an email address like name@example.com"},
    )
    phone = forms.CharField(label="Phone number", max_length=30, required=False)
    address_line_1 = forms.CharField(label="Address line 1", max_length=200, required=False)
    address_line_2 = forms.CharField(label="Address line 2", max_length=200, required=False)
    town = forms.CharField(label="Town or city", max_length=100, required=False)
    postcode = forms.CharField(max_length=10, required=False)
    uprn = forms.CharField(
        label="UPRN", max_length=12, required=False, help_text="If known: up to 12 digits"
    )
    preferred_channel = forms.ChoiceField(
        label="Preferred way to contact them",
        choices=[("", "No preference"), *Citizen.Channel.choices],
        required=False,
    )
    preferred_language = forms.CharField(max_length=60, required=False, initial="English")
    accessible_formats = forms.CharField(max_length=200, required=False)
    no_contact_details_reason = forms.CharField(
        label="Why there is no email address",
        max_length=255,
        required=False,
        help_text="For example: does not use email, declined to give one",
    )

    def __init__(self, *args, citizen_id=None, **kwargs):
        self.citizen_id = citizen_id
        super().__init__(*args, **kwargs)

    def clean_date_of_birth(self):
        from django.utils import timezone

        dob = self.cleaned_data.get("date_of_birth")
        if dob and dob > timezone.localdate():
            raise forms.ValidationError("Date of birth must be in the past")
        if dob and dob.year < 1900:
            raise forms.ValidationError("Enter a date of birth after 1900")
        return dob

    def clean_email(self):
        from citizens.models import EmailAddress

        email = (self.cleaned_data.get("email") or "").strip()
        if email:
            taken = EmailAddress.objects.filter(email__iexact=email)
            if self.citizen_id:
                taken = taken.exclude(citizen_id=self.citizen_id)
            holder = taken.select_related("citizen").first()
            if holder:
                raise forms.ValidationError(
                    f"This email address belongs to {holder.citizen.full_name} "
                    f"({holder.citizen.reference}): each email can be on one record only"
                )
        return email

    def clean_phone(self):
        value = self.cleaned_data.get("phone", "").strip()
        if not value:
            return ""
        try:
            return phone_normalise(value)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean_postcode(self):
        try:
            return postcode_normalise(self.cleaned_data.get("postcode", ""))
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean_uprn(self):
        uprn = self.cleaned_data.get("uprn", "").strip()
        if uprn and not uprn.isdigit():
            raise forms.ValidationError("UPRN must be a number of up to 12 digits")
        return uprn

    def clean(self):
        data = super().clean()
        if (
            data.get("address_line_1")
            and not data.get("postcode")
            and "postcode" not in self.errors
        ):
            self.add_error("postcode", "Enter the postcode of the address")
        if data.get("postcode") and not data.get("address_line_1"):
            self.add_error("address_line_1", "Enter the first line of the address")
        return data


class CreateCitizenForm(CitizenForm):
    def clean(self):
        data = super().clean()
        missing = not data.get("email") and not data.get("no_contact_details_reason")
        if missing and "email" not in self.errors:
            self.add_error(
                "no_contact_details_reason",
                "Enter an email address, or say why there is no email address",
            )
        return data


class ConfirmNewForm(forms.Form):
    confirm_new = forms.BooleanField(
        label="This is a different person from the records listed",
        error_messages={
            "required": "Open one of the records listed, or confirm this is a new person"
        },
    )
    new_person_reason = forms.CharField(
        label="How you know this is a new person",
        max_length=255,
        error_messages={"required": "Say how you know this is a new person"},
    )


class EditCitizenForm(CitizenForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class NoteForm(forms.Form):
    text = forms.CharField(
        label="Note",
        widget=forms.Textarea,
        max_length=5000,
        error_messages={"required": "Enter the note"},
    )
    service_area = held_choices(
        forms.ModelChoiceField(
            queryset=ServiceArea.objects.filter(active=True),
            required=False,
            empty_label="All service areas",
            error_messages={"invalid_choice": "Choose a service area from the list"},
        )
    )
    sensitive = forms.BooleanField(
        label="Sensitive: only team leaders and administrators can see it", required=False
    )


class FlagForm(forms.Form):
    kind = forms.ChoiceField(
        label="Need",
        choices=AssistanceFlag.Kind.choices,
        error_messages={
            "required": "Choose the kind of need",
            "invalid_choice": "Choose the kind of need",
        },
    )
    note = forms.CharField(max_length=500, required=False)
    review_date = forms.DateField(
        required=False,
        help_text=DATE_HELP,
        error_messages={"invalid": "Enter the review date as a real date, like 27/03/2027"},
    )


class MergeForm(forms.Form):
    survivor = forms.ChoiceField(
        label="Which record should be kept?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the record to keep"},
    )
    reason = forms.CharField(
        label="Why these are the same person",
        widget=forms.Textarea,
        max_length=2000,
        error_messages={"required": "Say why these records are the same person"},
    )

    def __init__(self, *args, pair, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["survivor"].choices = [
            (str(c.pk), f"{c.full_name} ({c.reference})") for c in pair
        ]


class DuplicateQueueFilterForm(forms.Form):
    band = forms.ChoiceField(
        label="How likely",
        required=False,
        choices=[
            ("", "Almost certainly or probably the same person"),
            ("certain", "Almost certainly the same person"),
            ("probable", "Probably the same person"),
            ("possible", "Possibly the same person"),
            ("all", "All, including possibly the same person"),
        ],
    )
    status = forms.ChoiceField(
        label="Decision",
        required=False,
        choices=[("open", "To review"), ("different", "Different people"), ("merged", "Merged")],
    )


class UnmergeForm(forms.Form):
    reason = forms.CharField(
        label="Why this merge was wrong",
        widget=forms.Textarea,
        max_length=2000,
        error_messages={"required": "Say why these records are not the same person"},
    )


class NotDuplicateForm(forms.Form):
    reason = forms.CharField(
        label="How you know they are different people",
        max_length=255,
        error_messages={"required": "Say how you know they are different people"},
    )
