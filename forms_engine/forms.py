"""Staff forms of the forms engine: plain-words errors, no side effects."""

from django import forms

from citizens.models import Citizen
from citizens.normalise import reference_compact
from forms_engine.models import FormVersion, Submission


class LinkCitizenForm(forms.Form):
    reference = forms.CharField(
        label="Citizen reference",
        max_length=20,
        help_text="The reference on the citizen's record, like C0001234.",
        error_messages={"required": "Enter the citizen's reference, like C0001234."},
    )

    def clean(self):
        data = super().clean()
        text = reference_compact(data.get("reference", ""))
        citizen = Citizen.objects.filter(reference__iexact=text).first() if text else None
        if text and citizen is None:
            self.add_error("reference", "No citizen has that reference. Check it and try again.")
        elif citizen is not None and citizen.is_merged:
            citizen = citizen.merged_into
        data["citizen"] = citizen
        return data


class SubmissionFilterForm(forms.Form):
    status = forms.ChoiceField(
        required=False, choices=[("", "Any status"), *Submission.Status.choices]
    )
    via = forms.ChoiceField(
        label="Filled in by", required=False, choices=[("", "Anyone"), *Submission.Via.choices]
    )
    needs_link = forms.BooleanField(label="Not linked to a citizen yet", required=False)
    version = forms.ModelChoiceField(
        label="Version (CSV columns)",
        required=False,
        queryset=FormVersion.objects.none(),
        empty_label="Current version",
        error_messages={"invalid_choice": "Choose one of this form's versions."},
    )
    date_from = forms.DateField(
        label="Last saved or sent from",
        required=False,
        error_messages={"invalid": "Enter a real date."},
    )
    date_to = forms.DateField(
        label="Last saved or sent to",
        required=False,
        error_messages={"invalid": "Enter a real date."},
    )

    def __init__(self, *args, form, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].queryset = FormVersion.objects.filter(form=form).defer("snapshot")
        self.fields["version"].label_from_instance = lambda v: f"Version {v.number}"

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "The end date must be on or after the start date.")
        data["from"], data["to"] = data.get("date_from"), data.get("date_to")
        return data
