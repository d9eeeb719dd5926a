"""What administrators build in Django admin: portals, forms, their pages, fields and rules.

The rows here are the form's *working copy* (its draft version). Publishing freezes the working
copy into an immutable `FormVersion.snapshot`; everything people fill in runs on a snapshot,
never on these rows, so editing a form cannot break a draft in progress.
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse

from core.models import TimestampedModel

KEY_VALIDATOR = RegexValidator(
    r"^[a-z][a-z0-9_]*$",
    "Use lower-case letters, digits and underscores, starting with a letter (e.g. item_count).",
)


def slug_not_reserved(value):
    from django.core.exceptions import ValidationError

    if value in RESERVED_SLUGS:
        raise ValidationError(f"“{value}” is used by the site itself. Choose another address.")


RESERVED_SLUGS = {"resume"}


class Portal(models.Model):
    """Where a form can be reached: the public citizen portal, a staff-only or a partner portal."""

    class Kind(models.TextChoices):
        PUBLIC = "public", "Citizen portal (public, no sign-in)"
        STAFF = "staff", "Staff only"
        PARTNER = "partner", "Partner organisation"

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    description = models.TextField(blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="form_portals",
        help_text="Partner portals: the partner staff who may use it. Other portals ignore this.",
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("forms_engine:portal", kwargs={"slug": self.slug})


class Form(TimestampedModel):
    """A form as administrators edit it; `current_version` is what people fill in."""

    name = models.CharField(max_length=150)
    slug = models.SlugField(
        max_length=80,
        unique=True,
        validators=[slug_not_reserved],
        help_text="Its web address: /forms/<slug>/ for public forms.",
    )
    description = models.TextField(
        blank=True, help_text="Shown on the start page: what the form is for, what to have ready."
    )
    service_area = models.ForeignKey(
        "organisation.ServiceArea", on_delete=models.PROTECT, related_name="forms"
    )
    portals = models.ManyToManyField(Portal, blank=True, related_name="forms")
    process_code = models.SlugField(
        "Process it starts",
        max_length=60,
        blank=True,
        help_text="The code of the process a submission starts (its current version is used). "
        "Leave empty if the form starts no request.",
    )
    confirmation_text = models.TextField(
        blank=True, help_text="What happens next, shown on the confirmation page."
    )
    draft_retention_days = models.PositiveIntegerField(
        "Keep unfinished drafts for (days)", default=28
    )
    submission_retention_days = models.PositiveIntegerField(
        "Keep submissions that start no request for (days)", default=365
    )
    current_version = models.ForeignKey(
        "FormVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    active = models.BooleanField(default=True, help_text="Untick to take the form offline.")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def public_url(self):
        return reverse("forms_public:start", kwargs={"slug": self.slug})


class FieldKind(models.TextChoices):
    TEXT = "text", "Text (one line)"
    TEXTAREA = "textarea", "Text (several lines)"
    NUMBER = "number", "Number"
    MONEY = "money", "Money (£)"
    DATE = "date", "Date (day, month, year)"
    TIME = "time", "Time"
    EMAIL = "email", "Email address"
    PHONE = "phone", "UK phone number"
    POSTCODE = "postcode", "UK postcode"
    ADDRESS = "address", "UK address (with optional UPRN)"
    NAME = "name", "Name (title, first, last)"
    NI_NUMBER = "ni_number", "National Insurance number"
    RADIOS = "radios", "Choose one (radios)"
    CHECKBOXES = "checkboxes", "Choose any (checkboxes)"
    SELECT = "select", "Choose one (drop-down list)"
    YES_NO = "yes_no", "Yes or no"
    FILE = "file", "File upload"
    DECLARATION = "declaration", "Declaration (tick to confirm)"
    HIDDEN = "hidden", "Hidden / prefilled value"
    CONTENT = "content", "Content block (guidance text, no answer)"
    REPEATING = "repeating", "Repeating group (add another)"


class FormPage(models.Model):
    form = models.ForeignKey(Form, on_delete=models.CASCADE, related_name="pages")
    order = models.PositiveIntegerField(default=1)
    key = models.CharField(
        max_length=60,
        validators=[KEY_VALIDATOR],
        help_text="Short name used in the page's address and in rules, e.g. about_you.",
    )
    title = models.CharField(max_length=200)
    intro = models.TextField(blank=True, help_text="Optional text under the title.")

    class Meta:
        ordering = ["form", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["form", "key"], name="form_page_unique_key")
        ]

    def __str__(self):
        return f"{self.order}. {self.title}"


class FormField(models.Model):
    class Prefill(models.TextChoices):
        NONE = "", "Nothing"
        FULL_NAME = "citizen.name", "Citizen's name"
        FIRST_NAME = "citizen.first_name", "Citizen's first name"
        LAST_NAME = "citizen.last_name", "Citizen's last name"
        DATE_OF_BIRTH = "citizen.date_of_birth", "Citizen's date of birth"
        EMAIL = "citizen.email", "Citizen's email address"
        PHONE = "citizen.phone", "Citizen's phone number"
        ADDRESS = "citizen.address", "Citizen's current address"
        POSTCODE = "citizen.postcode", "Citizen's current postcode"
        REFERENCE = "citizen.reference", "Citizen's reference"

    page = models.ForeignKey(FormPage, on_delete=models.CASCADE, related_name="fields")
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
        help_text="For a field inside a repeating group: the group.",
    )
    order = models.PositiveIntegerField(default=1)
    key = models.CharField(
        max_length=60,
        validators=[KEY_VALIDATOR],
        help_text="Unique in the form; rules and exports use it, e.g. collection_date.",
    )
    kind = models.CharField(max_length=15, choices=FieldKind.choices)
    label = models.CharField(max_length=300)
    hint = models.CharField(max_length=500, blank=True)
    required = models.BooleanField(default=True)
    options = models.TextField(
        blank=True,
        help_text="Radios, checkboxes and drop-downs: one option per line, "
        "'value | label' or just the label.",
    )
    content = models.TextField(
        blank=True,
        help_text="Content blocks: the guidance text. Declarations: what the person confirms.",
    )
    prefill = models.CharField(
        max_length=30,
        choices=Prefill.choices,
        blank=True,
        help_text="Staff filling in for a citizen start with this from the record.",
    )
    default = models.CharField(
        max_length=300, blank=True, help_text="Hidden fields: the value stored."
    )
    # Validation, each with its own error text (empty: a plain default built from the label).
    min_length = models.PositiveIntegerField(null=True, blank=True)
    max_length = models.PositiveIntegerField(null=True, blank=True)
    length_error = models.CharField(max_length=300, blank=True)
    min_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    max_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    range_error = models.CharField(max_length=300, blank=True)
    pattern = models.CharField(
        max_length=300, blank=True, help_text="A regular expression the whole answer must match."
    )
    pattern_error = models.CharField(max_length=300, blank=True)
    date_after = models.CharField(
        max_length=30,
        blank=True,
        help_text="Dates: earliest allowed, 'today', 'today+3', 'today-30' or 2026-01-31.",
    )
    date_before = models.CharField(
        max_length=30, blank=True, help_text="Dates: latest allowed, same forms as above."
    )
    date_error = models.CharField(max_length=300, blank=True)
    required_error = models.CharField(max_length=300, blank=True)
    format_error = models.CharField(
        max_length=300, blank=True, help_text="Shown when the answer is not in the right format."
    )
    max_items = models.PositiveIntegerField(
        null=True, blank=True, help_text="Repeating groups: most items; file uploads: most files."
    )
    file_types = models.CharField(
        max_length=200,
        blank=True,
        help_text="File uploads: allowed types, commas (pdf, jpg, png, gif, webp, heic, docx, "
        "xlsx, odt). Empty: all of them.",
    )
    max_file_mb = models.PositiveIntegerField(
        null=True, blank=True, help_text="File uploads: largest file in MB."
    )

    class Meta:
        ordering = ["page__order", "order", "id"]

    def __str__(self):
        return f"{self.label} ({self.key})"


class FormRule(models.Model):
    """When its conditions hold (any group whose conditions all hold), its actions apply."""

    form = models.ForeignKey(Form, on_delete=models.CASCADE, related_name="rules")
    order = models.PositiveIntegerField(default=1)
    name = models.CharField(max_length=200, help_text="Say what it does, e.g. 'Hazardous waste'.")

    class Meta:
        ordering = ["form", "order", "id"]

    def __str__(self):
        return self.name


class RuleCondition(models.Model):
    class Operator(models.TextChoices):
        EQUALS = "equals", "is"
        NOT_EQUALS = "not_equals", "is not"
        ONE_OF = "one_of", "is one of (commas)"
        CONTAINS = "contains", "contains / includes"
        GREATER = "gt", "is greater than"
        LESS = "lt", "is less than"
        BEFORE = "before", "is before (date)"
        AFTER = "after", "is after (date)"
        ANSWERED = "answered", "is answered"
        NOT_ANSWERED = "not_answered", "is not answered"

    rule = models.ForeignKey(FormRule, on_delete=models.CASCADE, related_name="conditions")
    group = models.PositiveSmallIntegerField(
        default=1,
        help_text="Conditions in the same group must all hold (AND); the rule applies when any "
        "group holds (OR).",
    )
    field_key = models.CharField("Field", max_length=60)
    operator = models.CharField(max_length=15, choices=Operator.choices)
    value = models.CharField(
        max_length=300,
        blank=True,
        help_text="Dates as 2026-01-31 or 'today+3'; 'one of' takes values separated by commas.",
    )

    class Meta:
        ordering = ["rule", "group", "id"]

    def __str__(self):
        return f"{self.field_key} {self.get_operator_display()} {self.value}".strip()


class RuleAction(models.Model):
    class Kind(models.TextChoices):
        SHOW_FIELD = "show_field", "Show a field (hidden otherwise)"
        HIDE_FIELD = "hide_field", "Hide a field"
        SHOW_PAGE = "show_page", "Show a page (skipped otherwise)"
        HIDE_PAGE = "hide_page", "Hide a page"
        SKIP_TO = "skip_to", "Skip to a page"
        EXIT = "exit", "End the form: cannot apply online (message)"
        REQUIRE = "require", "Make a field required"
        SET_VALUE = "set_value", "Set or calculate a field's value"
        SET_PROCESS = "set_process", "Start this process instead (process code)"
        SET_SERVICE_AREA = "set_service_area", "Send to this service area"
        BLOCK = "block", "Block submission (message)"

    rule = models.ForeignKey(FormRule, on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    target_field = models.CharField(
        max_length=60, blank=True, help_text="The field it acts on (field actions)."
    )
    target_page = models.CharField(
        max_length=60, blank=True, help_text="The page it acts on (page actions, skip to)."
    )
    value = models.CharField(
        max_length=300,
        blank=True,
        help_text="Set value: a value, or a sum such as {quantity} * 25; set process: its code; "
        "service area: its slug.",
    )
    message = models.TextField(
        blank=True, help_text="Exit and block: what the person is told, in plain words."
    )

    class Meta:
        ordering = ["rule", "id"]

    def __str__(self):
        target = self.target_field or self.target_page or self.value
        return f"{self.get_kind_display()} {target}".strip()


class FormVersion(models.Model):
    """A published, frozen copy of a form. Never edited after publishing."""

    form = models.ForeignKey(Form, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField()
    note = models.CharField(max_length=300, blank=True)
    published_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["form", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["form", "number"], name="form_version_unique_number")
        ]

    def __str__(self):
        return f"{self.form.name} version {self.number}"
