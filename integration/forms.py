from django import forms

from integration.imports import FIELDS

FIELD_LABELS = {
    "reference": "Citizen reference (C…)",
    "source_reference": "The other system's own id for the person",
    "title": "Title",
    "first_name": "First name",
    "middle_names": "Middle names",
    "last_name": "Last name",
    "date_of_birth": "Date of birth",
    "email": "Email address",
    "phone": "Phone number",
    "address_line_1": "Address line 1",
    "address_line_2": "Address line 2",
    "town": "Town or city",
    "postcode": "Postcode",
    "uprn": "UPRN",
}
MAX_UPLOAD_MB = 200


class ImportUploadForm(forms.Form):
    source = forms.CharField(
        label="Which system is the file from?",
        max_length=100,
        help_text="For example: Council tax (Civica). Imports from one source are matched "
        "against each other, so the same file twice changes nothing.",
        error_messages={"required": "Enter the system the file came from"},
    )
    file = forms.FileField(
        label="CSV file",
        help_text="UTF-8 CSV with a header row. One row per person.",
        error_messages={"required": "Choose a CSV file to upload"},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".csv"):
            raise forms.ValidationError("The file must be a .csv file")
        if upload.size > MAX_UPLOAD_MB * 1024 * 1024:
            raise forms.ValidationError(f"The file must be smaller than {MAX_UPLOAD_MB} MB")
        return upload


class ImportMappingForm(forms.Form):
    """One select per column of the file: which field it goes to (or not imported)."""

    def __init__(self, *args, header, mapping, **kwargs):
        super().__init__(*args, **kwargs)
        self.header = header
        choices = [("", "Do not import"), *[(f, FIELD_LABELS[f]) for f in FIELDS]]
        for index, column in enumerate(header):
            self.fields[f"col_{index}"] = forms.ChoiceField(
                label=column or f"Column {index + 1}",
                choices=choices,
                required=False,
                initial=mapping.get(column, ""),
            )

    def clean(self):
        cleaned = super().clean()
        chosen = [v for k, v in cleaned.items() if k.startswith("col_") and v]
        twice = sorted({v for v in chosen if chosen.count(v) > 1})
        if twice:
            raise forms.ValidationError(
                "Each field can come from one column only: "
                + ", ".join(FIELD_LABELS[f] for f in twice)
            )
        if "last_name" not in chosen:
            raise forms.ValidationError("Choose the column that holds the last name")
        return cleaned

    def mapping(self) -> dict[str, str]:
        return {
            column: self.cleaned_data[f"col_{i}"]
            for i, column in enumerate(self.header)
            if self.cleaned_data.get(f"col_{i}")
        }
