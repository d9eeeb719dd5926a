from django import forms

from verification.answers import questions_for


class VerificationForm(forms.Form):
    """One field per security question of the account's service; answers are never echoed."""

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        for q in questions_for(kind):
            self.fields[q.key] = forms.CharField(
                label=q.label,
                help_text=q.hint,
                max_length=100,
                required=False,
                widget=forms.TextInput(attrs={"autocomplete": "off"}),
            )

    def clean(self):
        data = super().clean()
        if not any((v or "").strip() for v in data.values()):
            raise forms.ValidationError("Enter the answers the citizen gives")
        return data
