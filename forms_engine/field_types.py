"""The field types a form can use: how each reads what was posted, checks it (plain-words error
text, the administrator's own where given), stores it as JSON and shows it back.

Each type is a small class registered in TYPES by its kind; adding a type is adding a class and
its template `forms_engine/fields/<template>.html`.
"""

import datetime as dt
import os
import re
from decimal import Decimal, InvalidOperation

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.text import get_valid_filename

from citizens.normalise import phone_display, phone_normalise, postcode_normalise
from requests_tracking.forms import ALLOWED_TYPES

# Administrators name types by extension; files are recognised by content.
EXTENSION_TYPES = {ext: mime for mime, ext in ALLOWED_TYPES.items()}
EXTENSION_SYNONYMS = {"jpeg": "jpg", "jpe": "jpg", "heif": "heic"}
# HMRC's prefix rules, plus QQ: the prefix GOV.UK uses in examples and test records.
NI_RE = re.compile(
    r"^(?:QQ|(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z])\d{6}[A-D]$"
)
TIME_RE = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$")
RELATIVE_DATE_RE = re.compile(r"^today\s*(?:([+-])\s*(\d+))?$")
MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]


class FieldError(Exception):
    """A plain-words problem with an answer; `name` is the input it belongs to, if not the
    field's first input."""

    def __init__(self, message, name=None):
        super().__init__(message)
        self.message = message
        self.name = name


def lc(label: str) -> str:
    """The label as it reads inside a sentence: 'Your email address' -> 'your email address'."""
    label = label.strip().rstrip("?:.")
    if len(label) > 1 and label[0].isupper() and not label[1].isupper():
        return label[0].lower() + label[1:]
    return label


def subject(label: str) -> str:
    """The label as the subject of a sentence, as the administrator wrote it."""
    return label.strip().rstrip("?:.")


def relative_date(text: str, today: dt.date | None = None) -> dt.date | None:
    """'today', 'today+3', 'today-30' or '2026-01-31' -> a date; None when blank or unreadable."""
    text = (text or "").strip().lower()
    if not text:
        return None
    today = today or dt.date.today()
    match = RELATIVE_DATE_RE.match(text)
    if match:
        sign, days = match.groups()
        delta = int(days or 0) * (-1 if sign == "-" else 1)
        return today + dt.timedelta(days=delta)
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def date_words(value: dt.date) -> str:
    return f"{value.day} {value.strftime('%B')} {value.year}"


class FieldType:
    kind = ""
    template = "text"
    has_answer = True
    choice = False  # answered by choosing ("Select …" rather than "Enter …")

    # --- reading and checking -------------------------------------------------------------

    def parse(self, fd, data, files, name):
        """The raw answer from a POST, shaped as the template shows it back."""
        return (data.get(name) or "").strip()

    def is_blank(self, raw) -> bool:
        return raw in ("", None, [], {}) or (
            isinstance(raw, dict) and not any(str(v).strip() for v in raw.values() if v)
        )

    def required_message(self, fd) -> str:
        if fd.required_error:
            return fd.required_error
        if fd.label.rstrip().endswith("?"):
            return f"Answer the question: {fd.label.strip()}"
        return f"{'Select' if self.choice else 'Enter'} {lc(fd.label)}"

    def clean(self, fd, raw, *, required, ctx=None):
        """The value to store (JSON), None for no answer; raises FieldError."""
        if self.is_blank(raw):
            if required:
                raise FieldError(self.required_message(fd))
            return None
        return self.check(fd, raw, ctx=ctx)

    def check(self, fd, raw, *, ctx=None):
        return raw

    # --- showing back ---------------------------------------------------------------------

    def to_raw(self, fd, value):
        """A stored value in the shape `parse` returns (to fill the inputs again)."""
        return "" if value is None else value

    def display(self, fd, value, ctx=None) -> str:
        return "" if value in (None, "", []) else str(value)

    def compare_value(self, fd, value):
        """The value logic conditions compare against."""
        return value

    def csv_value(self, fd, value, ctx=None) -> str:
        return self.display(fd, value, ctx)


def _length_check(fd, text):
    too_short = fd.min_length is not None and len(text) < fd.min_length
    too_long = fd.max_length is not None and len(text) > fd.max_length
    if too_short or too_long:
        if fd.length_error:
            raise FieldError(fd.length_error)
        if too_long:
            raise FieldError(f"{subject(fd.label)} must be {fd.max_length} characters or fewer")
        raise FieldError(f"{subject(fd.label)} must be {fd.min_length} characters or more")


def _pattern_check(fd, text):
    if fd.pattern and not re.fullmatch(fd.pattern, text):
        raise FieldError(fd.pattern_error or f"Enter {lc(fd.label)} in the format asked for")


class TextType(FieldType):
    kind = "text"

    def check(self, fd, raw, *, ctx=None):
        _length_check(fd, raw)
        _pattern_check(fd, raw)
        return raw


class TextareaType(TextType):
    kind = "textarea"
    template = "textarea"

    def parse(self, fd, data, files, name):
        return (data.get(name) or "").replace("\r\n", "\n").strip()


def _number(fd, raw, *, money=False):
    text = raw.replace(",", "").replace(" ", "")
    if money:
        text = text.removeprefix("£")
    try:
        number = Decimal(text)
    except InvalidOperation as exc:
        what = "an amount of money, like 25 or 25.50" if money else "a number, like 12"
        raise FieldError(fd.format_error or f"{subject(fd.label)} must be {what}") from exc
    if not number.is_finite():
        raise FieldError(fd.format_error or f"{subject(fd.label)} must be a number")
    if money and number.as_tuple().exponent < -2:
        raise FieldError(
            fd.format_error or f"{subject(fd.label)} must be in pounds and pence, like 25.50"
        )
    low, high = fd.min_value, fd.max_value
    if (low is not None and number < low) or (high is not None and number > high):
        if fd.range_error:
            raise FieldError(fd.range_error)
        unit = "£" if money else ""
        if low is not None and high is not None:
            raise FieldError(f"{subject(fd.label)} must be between {unit}{low} and {unit}{high}")
        if low is not None:
            raise FieldError(f"{subject(fd.label)} must be {unit}{low} or more")
        raise FieldError(f"{subject(fd.label)} must be {unit}{high} or less")
    return number


class NumberType(FieldType):
    kind = "number"
    template = "number"

    def check(self, fd, raw, *, ctx=None):
        number = _number(fd, raw)
        return (
            str(int(number)) if number == number.to_integral() else format(number.normalize(), "f")
        )

    def compare_value(self, fd, value):
        try:
            return Decimal(str(value)) if value not in (None, "") else None
        except InvalidOperation:
            return None


class MoneyType(NumberType):
    kind = "money"
    template = "money"

    def check(self, fd, raw, *, ctx=None):
        return f"{_number(fd, raw, money=True):.2f}"

    def display(self, fd, value, ctx=None):
        return "" if value in (None, "") else f"£{Decimal(value):,.2f}"

    def csv_value(self, fd, value, ctx=None):
        return "" if value in (None, "") else str(value)


class DateType(FieldType):
    kind = "date"
    template = "date"

    def parse(self, fd, data, files, name):
        return {
            part: (data.get(f"{name}-{part}") or "").strip() for part in ("day", "month", "year")
        }

    def check(self, fd, raw, *, ctx=None):
        label = subject(fd.label)
        missing = [part for part in ("day", "month", "year") if not raw.get(part)]
        if missing:
            words = " and a ".join(missing)
            raise FieldError(fd.format_error or f"{label} must include a {words}")
        month_text = raw["month"].lower()
        month = next((i + 1 for i, m in enumerate(MONTHS) if month_text in (m, m[:3])), None)
        try:
            day, year = int(raw["day"]), int(raw["year"])
            month = month or int(raw["month"])
            if len(raw["year"]) != 4:
                raise FieldError(fd.format_error or f"{label}: the year must have 4 numbers")
            value = dt.date(year, month, day)
        except ValueError as exc:
            raise FieldError(fd.format_error or f"{label} must be a real date") from exc
        after, before = relative_date(fd.date_after), relative_date(fd.date_before)
        if after and value < after:
            raise FieldError(fd.date_error or f"{label} must be on or after {date_words(after)}")
        if before and value > before:
            raise FieldError(fd.date_error or f"{label} must be on or before {date_words(before)}")
        return value.isoformat()

    def to_raw(self, fd, value):
        if not value:
            return {"day": "", "month": "", "year": ""}
        if isinstance(value, dict):
            return value
        d = dt.date.fromisoformat(value)
        return {"day": str(d.day), "month": str(d.month), "year": str(d.year)}

    def display(self, fd, value, ctx=None):
        return date_words(dt.date.fromisoformat(value)) if value else ""

    def csv_value(self, fd, value, ctx=None):
        return value or ""

    def compare_value(self, fd, value):
        try:
            return dt.date.fromisoformat(value) if value else None
        except (TypeError, ValueError):
            return None


class TimeType(FieldType):
    kind = "time"
    template = "time"

    def check(self, fd, raw, *, ctx=None):
        match = TIME_RE.match(raw.lower().replace(" ", ""))
        problem = FieldError(
            fd.format_error or f"{subject(fd.label)} must be a time, like 09:30 or 2:15pm"
        )
        if not match:
            raise problem
        hours, minutes, half = int(match.group(1)), int(match.group(2) or 0), match.group(3)
        if half:
            if not 1 <= hours <= 12:
                raise problem
            hours = hours % 12 + (12 if half == "pm" else 0)
        if hours > 23 or minutes > 59:
            raise problem
        return f"{hours:02d}:{minutes:02d}"

    def compare_value(self, fd, value):
        return value or None


class EmailType(FieldType):
    kind = "email"
    template = "email"

    def check(self, fd, raw, *, ctx=None):
        try:
            validate_email(raw)
        except ValidationError as exc:
            raise FieldError(
                fd.format_error
                or "Enter an email address in the correct format, like name@example.com"
            ) from exc
        _length_check(fd, raw)
        return raw.lower() if raw.count("@") == 1 else raw


class PhoneType(FieldType):
    kind = "phone"
    template = "phone"

    def check(self, fd, raw, *, ctx=None):
        try:
            return phone_normalise(raw)
        except ValueError as exc:
            raise FieldError(
                fd.format_error or "Enter a UK phone number, like 01632 960 001 or 07700 900 982"
            ) from exc

    def display(self, fd, value, ctx=None):
        return phone_display(value) if value else ""


class PostcodeType(FieldType):
    kind = "postcode"
    template = "postcode"

    def check(self, fd, raw, *, ctx=None):
        try:
            return postcode_normalise(raw)
        except ValueError as exc:
            raise FieldError(fd.format_error or "Enter a real UK postcode, like SW1A 1AA") from exc


class NiNumberType(FieldType):
    kind = "ni_number"
    template = "ni_number"

    def check(self, fd, raw, *, ctx=None):
        compact = re.sub(r"[\s-]", "", raw.upper())
        if not NI_RE.match(compact):
            raise FieldError(
                fd.format_error
                or "Enter a National Insurance number in the correct format, like QQ 12 34 56 C"
            )
        return compact

    def display(self, fd, value, ctx=None):
        if not value:
            return ""
        return f"{value[:2]} {value[2:4]} {value[4:6]} {value[6:8]} {value[8:]}"


ADDRESS_PARTS = ("line_1", "line_2", "town", "postcode", "uprn")


class AddressType(FieldType):
    kind = "address"
    template = "address"

    def parse(self, fd, data, files, name):
        return {part: (data.get(f"{name}-{part}") or "").strip() for part in ADDRESS_PARTS}

    def is_blank(self, raw):
        return not any(raw.get(p) for p in ("line_1", "line_2", "town", "postcode"))

    def check(self, fd, raw, *, ctx=None):
        if not raw.get("line_1"):
            raise FieldError(
                "Enter the first line of the address, like 12 Mill Lane", name="line_1"
            )
        if not raw.get("postcode"):
            raise FieldError("Enter the postcode of the address", name="postcode")
        try:
            postcode = postcode_normalise(raw["postcode"])
        except ValueError as exc:
            raise FieldError("Enter a real UK postcode, like SW1A 1AA", name="postcode") from exc
        uprn = raw.get("uprn", "")
        if uprn and not (uprn.isdigit() and len(uprn) <= 12):
            raise FieldError("A UPRN is a number of up to 12 digits", name="uprn")
        for part in ("line_1", "line_2", "town"):
            if len(raw.get(part, "")) > 200:
                raise FieldError("Each address line must be 200 characters or fewer", name=part)
        return {**{p: raw.get(p, "") for p in ADDRESS_PARTS}, "postcode": postcode}

    def to_raw(self, fd, value):
        return value or dict.fromkeys(ADDRESS_PARTS, "")

    def display(self, fd, value, ctx=None):
        if not value:
            return ""
        parts = [value.get(p) for p in ("line_1", "line_2", "town", "postcode")]
        text = ", ".join(p for p in parts if p)
        return text + (f" (UPRN {value['uprn']})" if value.get("uprn") else "")

    def compare_value(self, fd, value):
        return self.display(fd, value) if value else None


NAME_PARTS = ("title", "first", "last")


class NameType(FieldType):
    kind = "name"
    template = "name"

    def parse(self, fd, data, files, name):
        return {part: (data.get(f"{name}-{part}") or "").strip() for part in NAME_PARTS}

    def is_blank(self, raw):
        return not (raw.get("first") or raw.get("last"))

    def check(self, fd, raw, *, ctx=None):
        if not raw.get("first"):
            raise FieldError("Enter the first name", name="first")
        if not raw.get("last"):
            raise FieldError("Enter the last name", name="last")
        for part in NAME_PARTS:
            if len(raw.get(part, "")) > 100:
                raise FieldError(
                    "Each part of the name must be 100 characters or fewer", name=part
                )
        return {p: raw.get(p, "") for p in NAME_PARTS}

    def to_raw(self, fd, value):
        return value or dict.fromkeys(NAME_PARTS, "")

    def display(self, fd, value, ctx=None):
        return " ".join(value.get(p, "") for p in NAME_PARTS if value.get(p)) if value else ""

    def compare_value(self, fd, value):
        return self.display(fd, value) or None


class RadiosType(FieldType):
    kind = "radios"
    template = "radios"
    choice = True

    def check(self, fd, raw, *, ctx=None):
        if raw not in fd.option_values:
            raise FieldError(self.required_message(fd))
        return raw

    def display(self, fd, value, ctx=None):
        return fd.option_label(value) if value not in (None, "") else ""


class SelectType(RadiosType):
    kind = "select"
    template = "select"


class YesNoType(RadiosType):
    kind = "yes_no"
    template = "radios"


class CheckboxesType(FieldType):
    kind = "checkboxes"
    template = "checkboxes"
    choice = True

    def parse(self, fd, data, files, name):
        return [v for v in data.getlist(name) if v]

    def check(self, fd, raw, *, ctx=None):
        allowed = fd.option_values
        if any(v not in allowed for v in raw):
            raise FieldError(self.required_message(fd))
        return [v for v in allowed if v in raw]  # options' order, no duplicates

    def to_raw(self, fd, value):
        return value or []

    def display(self, fd, value, ctx=None):
        return ", ".join(fd.option_label(v) for v in value or [])


class DeclarationType(FieldType):
    kind = "declaration"
    template = "declaration"

    def parse(self, fd, data, files, name):
        return data.get(name) == "yes"

    def is_blank(self, raw):
        return not raw

    def required_message(self, fd):
        return fd.required_error or "Confirm the declaration to continue"

    def clean(self, fd, raw, *, required, ctx=None):
        # A declaration is always something the person must confirm.
        if not raw:
            raise FieldError(self.required_message(fd))
        return True

    def display(self, fd, value, ctx=None):
        return "Confirmed" if value else ""


class HiddenType(FieldType):
    """A value the person does not type: a default, or set from the record or by a rule."""

    kind = "hidden"
    template = "hidden"

    def parse(self, fd, data, files, name):
        return None  # never read from the browser: a tampered hidden input changes nothing

    def clean(self, fd, raw, *, required, ctx=None):
        return None


class ContentType(FieldType):
    kind = "content"
    template = "content"
    has_answer = False

    def parse(self, fd, data, files, name):
        return None

    def clean(self, fd, raw, *, required, ctx=None):
        return None


class FileType(FieldType):
    """Several files; each checked by content (never by name) against the field's types and
    size. Raw answer: {"existing": [SubmissionFile ids kept], "new": [checked uploads]}."""

    kind = "file"
    template = "file"

    def allowed(self, fd) -> dict:
        """Detected MIME type -> stored extension, for this field."""
        wanted = {
            EXTENSION_SYNONYMS.get(e.strip().lower().lstrip("."), e.strip().lower().lstrip("."))
            for e in (fd.file_types or "").split(",")
            if e.strip()
        }
        return {m: e for m, e in ALLOWED_TYPES.items() if not wanted or e in wanted}

    def allowed_label(self, fd) -> str:
        exts = sorted({e.upper() for e in self.allowed(fd).values()})
        return ", ".join(exts[:-1]) + (" or " if len(exts) > 1 else "") + exts[-1]

    def max_mb(self, fd) -> int:
        return min(fd.max_file_mb or settings.MAX_UPLOAD_MB, settings.MAX_UPLOAD_MB)

    def parse(self, fd, data, files, name):
        existing = []
        for v in data.getlist(f"{name}-keep"):
            if v.isdigit():
                existing.append(int(v))
        return {"existing": existing, "new": [f for f in files.getlist(name) if f]}

    def is_blank(self, raw):
        return not raw or not (raw.get("existing") or raw.get("new"))

    def required_message(self, fd):
        return fd.required_error or f"Select {lc(fd.label)}"

    def check(self, fd, raw, *, ctx=None):
        allowed = self.allowed(fd)
        limit = self.max_mb(fd) * 1024 * 1024
        total = len(raw.get("existing", [])) + len(raw.get("new", []))
        most = fd.max_items or 10
        if total > most:
            raise FieldError(f"You can upload up to {most} file{'s' if most != 1 else ''}")
        for upload in raw.get("new", []):
            name = safe_file_name(upload.name)
            if upload.size == 0:
                raise FieldError(f"“{name}” is empty. Choose another file")
            if upload.size > limit:
                raise FieldError(
                    f"“{name}” is too big. Each file must be smaller than {self.max_mb(fd)} MB"
                )
            suffixes = [s.lower().lstrip(".") for s in os.path.splitext(name)[0].split(".")[1:]]
            suffixes.append(os.path.splitext(name)[1].lower().lstrip("."))
            if len([s for s in suffixes if s and s.isalnum() and len(s) <= 5]) > 1:
                raise FieldError(
                    f"“{name}” has two file extensions. Rename it so it ends in one, like "
                    "photo.jpg, and try again"
                )
            upload.seek(0)
            kind = filetype.guess(upload.read(8192))
            upload.seek(0)
            if kind is None or kind.mime not in allowed:
                found = f" (it looks like a {kind.extension.upper()} file)" if kind else ""
                raise FieldError(f"“{name}” must be a {self.allowed_label(fd)}{found}")
            ext = EXTENSION_SYNONYMS.get(suffixes[-1], suffixes[-1])
            if ext and ext != allowed[kind.mime]:
                raise FieldError(
                    f"“{name}” is a {allowed[kind.mime].upper()} file but its name ends in "
                    f".{suffixes[-1]}. Rename it and try again"
                )
            upload.detected_type = kind.mime
            upload.stored_ext = allowed[kind.mime]
            upload.safe_name = name
        return raw

    def to_raw(self, fd, value):
        return {"existing": list(value or []), "new": []}

    def display(self, fd, value, ctx=None):
        names = (ctx or {}).get("file_names", {})
        return ", ".join(names.get(i, "file") for i in value or [])

    def compare_value(self, fd, value):
        return value or None


def safe_file_name(raw: str) -> str:
    """The uploader's file name without folders, safe to show and store as text."""
    base = os.path.basename((raw or "").replace("\\", "/"))
    return (get_valid_filename(base) if base.strip(". ") else "file")[:200]


class RepeatingType(FieldType):
    """'Add another': a list of items, each answering the group's child fields."""

    kind = "repeating"
    template = "repeating"

    def item_names(self, fd, name, index):
        return {child.key: f"{name}-{index}-{child.key}" for child in fd.children}

    def parse(self, fd, data, files, name):
        try:
            count = max(0, min(int(data.get(f"{name}-count") or 1), (fd.max_items or 50) + 1))
        except ValueError:
            count = 1
        items = []
        for index in range(count):
            names = self.item_names(fd, name, index)
            items.append(
                {
                    child.key: child.type.parse(child, data, files, names[child.key])
                    for child in fd.children
                }
            )
        return items

    def _item_blank(self, fd, item):
        return all(child.type.is_blank(item.get(child.key)) for child in fd.children)

    def is_blank(self, raw):
        return not raw

    def clean(self, fd, raw, *, required, ctx=None):
        items = [item for item in raw or [] if not self._item_blank(fd, item)]
        name = (ctx or {}).get("name", fd.key)
        if not items:
            if required:
                first = fd.children[0].key if fd.children else ""
                raise FieldError(
                    fd.required_error or f"Add at least one item to {lc(fd.label)}",
                    name=f"0-{first}" if first else None,
                )
            return None
        if fd.max_items and len(items) > fd.max_items:
            raise FieldError(f"You can add up to {fd.max_items} items")
        cleaned, errors = [], {}
        for index, item in enumerate(raw):
            if self._item_blank(fd, item):
                continue
            out = {}
            for child in fd.children:
                if not child.has_answer:
                    continue
                try:
                    out[child.key] = child.type.clean(
                        child, item.get(child.key), required=child.required, ctx=ctx
                    )
                except FieldError as exc:
                    errors[f"{name}-{index}-{child.key}"] = exc.message
            cleaned.append(out)
        if errors:
            raise GroupErrors(errors)
        return cleaned

    def to_raw(self, fd, value):
        return [
            {child.key: child.type.to_raw(child, item.get(child.key)) for child in fd.children}
            for item in value or []
        ] or [{child.key: child.type.to_raw(child, None) for child in fd.children}]

    def display(self, fd, value, ctx=None):
        lines = []
        for item in value or []:
            parts = [
                child.type.display(child, item.get(child.key), ctx)
                for child in fd.children
                if child.has_answer and item.get(child.key) not in (None, "", [])
            ]
            lines.append(", ".join(parts))
        return "\n".join(lines)

    def csv_value(self, fd, value, ctx=None):
        return "; ".join(self.display(fd, value, ctx).splitlines())

    def compare_value(self, fd, value):
        return value or None


class GroupErrors(Exception):
    """Several errors inside a repeating group, by input name."""

    def __init__(self, errors):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


TYPES = {
    cls.kind: cls()
    for cls in (
        TextType,
        TextareaType,
        NumberType,
        MoneyType,
        DateType,
        TimeType,
        EmailType,
        PhoneType,
        PostcodeType,
        AddressType,
        NameType,
        NiNumberType,
        RadiosType,
        CheckboxesType,
        SelectType,
        YesNoType,
        FileType,
        DeclarationType,
        HiddenType,
        ContentType,
        RepeatingType,
    )
}


def field_type(kind: str) -> FieldType:
    return TYPES[kind]
