from django import forms
from django.utils import timezone

from audit.models import SubjectAccessRequest


class SubjectAccessRequestForm(forms.Form):
    citizen = forms.CharField(
        label="Citizen reference",
        max_length=20,
        help_text="On the citizen's record, for example C0001234",
        error_messages={"required": "Enter the citizen reference"},
    )
    received_on = forms.DateField(
        label="Date the request was received",
        help_text="For example, 27/3/2026. The legal deadline is one calendar month later.",
        error_messages={
            "required": "Enter the date the request was received",
            "invalid": "Enter the date as day/month/year, like 27/3/2026",
        },
    )
    requested_by = forms.CharField(
        label="Who made the request",
        max_length=200,
        help_text="The citizen, or their representative and their authority to act",
        error_messages={"required": "Enter who made the request"},
    )
    identity_checked = forms.BooleanField(
        label="The requester's identity has been checked", required=False
    )
    notes = forms.CharField(label="Notes (optional)", required=False, widget=forms.Textarea)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["received_on"].widget.attrs.update({"class": "govuk-input--width-10"})
        self.fields["citizen"].widget.attrs.update({"class": "govuk-input--width-10"})

    def clean_citizen(self):
        reference = self.cleaned_data["citizen"].strip().upper()
        # The citizen model as the request's foreign key names it: audit imports no citizens code.
        citizen_model = SubjectAccessRequest._meta.get_field("citizen").related_model
        citizen = citizen_model.objects.filter(reference=reference).first()
        if citizen is None:
            raise forms.ValidationError("There is no citizen with that reference")
        if citizen.merged_into_id:
            raise forms.ValidationError(
                f"That record was merged into {citizen.merged_into.reference}: use that reference"
            )
        return citizen

    def clean_received_on(self):
        received_on = self.cleaned_data["received_on"]
        if received_on > timezone.localdate():
            raise forms.ValidationError(
                "The date the request was received cannot be in the future"
            )
        return received_on
