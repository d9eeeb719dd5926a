from django import forms

from verification.answers import questions_for


class VerificationForm(forms.Form):
    """One field per security question of the account's service; answers are never echoed."""

    def __init__(self, *args, kind: str, captured=None, **kwargs):
        super().__init__(*args, **kwargs)
        questions = questions_for(kind)
        # Questions whose answer this account does not hold (never sent, or stored before the
        # question's answer type changed) are not asked: the page says "not captured".
        self.not_captured = [
            q for q in questions if captured is not None and q.key not in captured
        ]
        for q in questions:
            if q in self.not_captured:
                continue
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
