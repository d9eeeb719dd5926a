"""Knowledge-base forms: validation and plain-words errors only (services do the writing)."""

from django import forms

from citizens.normalise import phone_display, phone_is_mobile, phone_normalise
from faq.models import Article, ArticleSend, DynamicBlock
from faq.placeholders import placeholders_available
from faq.services import article_problems, article_sms_text
from faq.sms import sms_length


class ArticleAdminForm(forms.ModelForm):
    change_note = forms.CharField(
        label="What changed (optional)",
        required=False,
        max_length=200,
        help_text="Kept in the version history.",
    )

    class Meta:
        model = Article
        fields = [
            "title",
            "slug",
            "summary",
            "body",
            "internal_notes",
            "service_area",
            "contact_types",
            "keywords",
            "audience",
            "status",
            "owner",
            "review_date",
        ]
        widgets = {"summary": forms.Textarea(attrs={"rows": 3, "maxlength": 160})}

    def clean(self):
        data = super().clean()
        article = Article(slug=data.get("slug") or "", summary=data.get("summary") or "")
        for field, message in article_problems(article).items():
            self.add_error(field, message)
        area, types = data.get("service_area"), data.get("contact_types")
        if area is not None and types:
            wrong = [t.name for t in types if t.service_area_id != area.pk]
            if wrong:
                self.add_error(
                    "contact_types",
                    f"{', '.join(wrong)} {'is' if len(wrong) == 1 else 'are'} not a contact type "
                    f"of {area.name}. Choose contact types of the article's service area.",
                )
        return data

    def sms_preview(self):
        article = self.instance
        if not article.slug:
            return None
        return article_sms_text(article), sms_length(article_sms_text(article))


class DynamicBlockAdminForm(forms.ModelForm):
    class Meta:
        model = DynamicBlock
        fields = ["name", "service_account_kind", "text", "active", "ordering"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        lines = []
        for kind, label in DynamicBlock._meta.get_field("service_account_kind").choices:
            names = ", ".join(f"(({n}))" for n in placeholders_available(kind))
            lines.append(f"{label}: {names}")
        self.fields["text"].help_text += " Placeholders — " + " | ".join(lines)


class SendForm(forms.Form):
    """Send an article: by text message (summary + link) or email (whole article)."""

    channel = forms.ChoiceField(
        label="How should the citizen get it?",
        choices=[
            (ArticleSend.Channel.SMS, "Text message: the summary and a link"),
            (ArticleSend.Channel.EMAIL, "Email: the whole article"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose text message or email."},
    )
    recipient = forms.ChoiceField(
        label="Send to",
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose one of the citizen's recorded details."},
    )
    other_mobile = forms.CharField(
        label="Another mobile number",
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    other_email = forms.EmailField(
        label="Another email address",
        required=False,
        max_length=254,
        error_messages={"invalid": "Enter an email address like name@example.com."},
    )
    save_to_record = forms.BooleanField(
        label="Save this to the citizen's record",
        required=False,
    )

    OTHER = "other"

    def __init__(self, *args, mobiles=(), emails=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.mobiles = list(mobiles)
        self.emails = list(emails)
        choices = [(f"sms:{n}", f"{phone_display(n)} (mobile on record)") for n in self.mobiles]
        choices += [(f"email:{e}", f"{e} (email on record)") for e in self.emails]
        choices.append((self.OTHER, "Another number or address"))
        self.fields["recipient"].choices = choices

    def clean(self):
        data = super().clean()
        channel = data.get("channel")
        if not channel:
            return data
        choice = data.get("recipient") or ""
        recorded = self.mobiles if channel == ArticleSend.Channel.SMS else self.emails
        if choice and choice != self.OTHER:
            kind, _, value = choice.partition(":")
            if kind != channel:
                self.add_error(
                    "recipient",
                    "That is not a "
                    + ("mobile number" if channel == "sms" else "an email address")
                    + ". Choose one for the way you are sending it.",
                )
                return data
            data["address"], data["typed"] = value, False
            return data
        if channel == ArticleSend.Channel.SMS:
            raw = (data.get("other_mobile") or "").strip()
            if not raw:
                self.add_error(
                    "other_mobile",
                    "Enter the citizen's mobile number"
                    + ("" if recorded else ": there is no mobile on their record")
                    + ".",
                )
                return data
            try:
                number = phone_normalise(raw)
            except ValueError:
                self.add_error("other_mobile", "Enter a UK mobile number, like 07700 900123.")
                return data
            if not phone_is_mobile(number):
                self.add_error(
                    "other_mobile",
                    "That is a landline. Enter a mobile number, like 07700 900123.",
                )
                return data
            data["address"], data["typed"] = number, True
        else:
            email = data.get("other_email")
            if not email:
                if "other_email" not in self.errors:
                    self.add_error(
                        "other_email",
                        "Enter the citizen's email address"
                        + ("" if recorded else ": there is none on their record")
                        + ".",
                    )
                return data
            data["address"], data["typed"] = email.strip(), True
        return data
