"""Each field type: what it accepts, what it stores, and the plain-words error it gives."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict

from forms_engine.definition import _field_def
from forms_engine.field_types import TYPES, FieldError, GroupErrors, relative_date

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n" + b"0" * 64


def fd(kind, label="Your answer", **attrs):
    return _field_def({"key": "answer", "kind": kind, "label": label, "required": True, **attrs})


def clean(field, raw, required=True):
    return field.type.clean(field, raw, required=required, ctx={"name": field.key})


def error(field, raw, required=True):
    with pytest.raises(FieldError) as exc:
        clean(field, raw, required)
    return exc.value.message


def posted(field, **data):
    q = QueryDict(mutable=True)
    for k, v in data.items():
        q.setlist(k, v if isinstance(v, list) else [v])
    return field.type.parse(field, q, MultiValueDict(), field.key)


def test_there_are_at_least_twenty_field_types():
    assert len(TYPES) >= 20


def test_text_length_pattern_and_own_error_texts():
    f = fd("text", "Licence number", min_length=3, max_length=7, pattern=r"TX\d{5}")
    assert clean(f, "TX01234") == "TX01234"
    assert error(f, "") == "Enter licence number"
    assert error(f, "TX0123456") == "Licence number must be 7 characters or fewer"
    assert error(f, "TX") == "Licence number must be 3 characters or more"
    assert error(f, "AB12345") == "Enter licence number in the format asked for"
    own = fd(
        "text",
        "Licence number",
        max_length=3,
        length_error="Too long!",
        pattern=r"\d+",
        pattern_error="Digits only",
        required_error="We need it",
    )
    assert error(own, "1234") == "Too long!"
    assert error(own, "ab") == "Digits only"
    assert error(own, "") == "We need it"


def test_a_question_label_gets_a_readable_required_message():
    assert error(fd("text", "What is your name?"), "") == "Answer the question: What is your name?"


def test_textarea_keeps_lines_and_checks_length():
    f = fd("textarea", "Details", max_length=10)
    assert clean(f, posted(f, answer="a\r\nb")) == "a\nb"
    assert error(f, "x" * 11) == "Details must be 10 characters or fewer"


def test_number_range_and_format():
    f = fd("number", "How many bins", min_value="1", max_value="4000")
    assert clean(f, "2") == "2"
    assert clean(f, "1,000") == "1000"
    assert error(f, "two") == "How many bins must be a number, like 12"
    assert error(f, "4001") == "How many bins must be between 1 and 4000"
    assert error(f, "nan") == "How many bins must be a number"
    own = fd("number", "Bins", min_value="1", range_error="1 to 4 only")
    assert error(own, "0") == "1 to 4 only"


def test_money_pounds_and_pence():
    f = fd("money", "Fee", min_value="0", max_value="500")
    assert clean(f, "£250.5") == "250.50"
    assert clean(f, "2") == "2.00"
    assert error(f, "12.345") == "Fee must be in pounds and pence, like 25.50"
    assert error(f, "ten") == "Fee must be an amount of money, like 25 or 25.50"
    assert error(f, "600") == "Fee must be between £0 and £500"
    assert f.type.display(f, "250.50") == "£250.50"


def test_date_three_boxes_real_dates_and_limits():
    f = fd("date", "Collection date", date_after="today+3", date_before="today+60")
    soon = dt.date.today() + dt.timedelta(days=10)
    raw = posted(
        f,
        **{
            "answer-day": str(soon.day),
            "answer-month": str(soon.month),
            "answer-year": str(soon.year),
        },
    )
    assert clean(f, raw) == soon.isoformat()
    assert error(f, {"day": "31", "month": "2", "year": "2027"}) == (
        "Collection date must be a real date"
    )
    assert error(f, {"day": "1", "month": "", "year": ""}) == (
        "Collection date must include a month and a year"
    )
    assert error(f, {"day": "1", "month": "1", "year": "27"}) == (
        "Collection date: the year must have 4 numbers"
    )
    today = dt.date.today()
    message = error(f, {"day": str(today.day), "month": str(today.month), "year": str(today.year)})
    assert message.startswith("Collection date must be on or after ")
    own = fd("date", "Date", date_before="today-1", date_error="It must be in the past")
    assert (
        error(own, {"day": str(today.day), "month": str(today.month), "year": str(today.year)})
        == "It must be in the past"
    )
    assert clean(f, {"day": str(soon.day), "month": soon.strftime("%b"), "year": str(soon.year)})


def test_relative_dates():
    today = dt.date(2026, 3, 2)
    assert relative_date("today+3", today) == dt.date(2026, 3, 5)
    assert relative_date("today - 2", today) == dt.date(2026, 2, 28)
    assert relative_date("2026-01-31", today) == dt.date(2026, 1, 31)
    assert relative_date("someday", today) is None


def test_time_forms():
    f = fd("time", "Appointment")
    assert clean(f, "9:30") == "09:30"
    assert clean(f, "2:15pm") == "14:15"
    assert clean(f, "12am") == "00:00"
    assert error(f, "25:00") == "Appointment must be a time, like 09:30 or 2:15pm"


def test_email():
    f = fd("email", "Email address")
    assert clean(f, "Pat@Example.COM") == "pat@example.com"
    assert (
        error(f, "pat@") == "Enter an email address in the correct format, like name@example.com"
    )


def test_uk_phone():
    f = fd("phone", "Phone number")
    assert clean(f, "07700 900 982") == "+447700900982"
    assert error(f, "12") == "Enter a UK phone number, like 01632 960 001 or 07700 900 982"


def test_postcode():
    f = fd("postcode", "Postcode")
    assert clean(f, "sw1a1aa") == "SW1A 1AA"
    assert error(f, "12345") == "Enter a real UK postcode, like SW1A 1AA"


def test_address_with_optional_uprn():
    f = fd("address", "Address")
    raw = posted(
        f,
        **{
            "answer-line_1": "1 High St",
            "answer-postcode": "sw1a 2aa",
            "answer-uprn": "100023336956",
        },
    )
    value = clean(f, raw)
    assert value["postcode"] == "SW1A 2AA"
    assert value["uprn"] == "100023336956"
    assert f.type.display(f, value) == "1 High St, SW1A 2AA (UPRN 100023336956)"
    with pytest.raises(FieldError) as exc:
        clean(f, {"line_1": "1 High St", "postcode": "nope"})
    assert (exc.value.message, exc.value.name) == (
        "Enter a real UK postcode, like SW1A 1AA",
        "postcode",
    )
    with pytest.raises(FieldError) as exc:
        clean(f, {"line_1": "", "postcode": "SW1A 2AA"})
    assert exc.value.name == "line_1"
    assert error(f, {"line_1": "1 High St", "postcode": "SW1A 2AA", "uprn": "12ab"}) == (
        "A UPRN is a number of up to 12 digits"
    )
    assert error(f, {}) == "Enter address"


def test_name_title_first_last():
    f = fd("name", "Your name")
    assert clean(f, {"title": "Dr", "first": "Pat", "last": "Smith"})["last"] == "Smith"
    assert error(f, {"first": "Pat", "last": ""}) == "Enter the last name"
    assert error(f, {"first": "", "last": ""}) == "Enter your name"
    assert f.type.display(f, {"title": "Dr", "first": "Pat", "last": "Smith"}) == "Dr Pat Smith"


def test_national_insurance_number():
    f = fd("ni_number", "NI number")
    assert clean(f, "qq 12 34 56 c") == "QQ123456C"
    assert f.type.display(f, "QQ123456C") == "QQ 12 34 56 C"
    assert error(f, "QQ123456E").startswith("Enter a National Insurance number in the correct")
    assert error(f, "GB123456A").startswith("Enter a National Insurance number")


@pytest.mark.parametrize("kind", ["radios", "select"])
def test_choose_one(kind):
    f = fd(kind, "Where", options="front | At the front\nside | By the side")
    assert clean(f, "side") == "side"
    assert error(f, "") == "Select where"
    assert error(f, "roof") == "Select where"  # a tampered value is refused
    assert f.type.display(f, "side") == "By the side"


def test_checkboxes_any_in_option_order():
    f = fd("checkboxes", "Waste types", options="a | Bags\nb | Furniture\nc | Chemicals")
    assert clean(f, posted(f, answer=["c", "a", "a"])) == ["a", "c"]
    assert error(f, []) == "Select waste types"
    assert error(f, ["z"]) == "Select waste types"


def test_yes_no():
    f = fd("yes_no", "Is it hazardous?")
    assert clean(f, "yes") == "yes"
    assert f.type.display(f, "no") == "No"
    assert error(f, "maybe") == "Answer the question: Is it hazardous?"


def test_declaration_is_always_required():
    f = fd("declaration", "Declaration", required=False)
    assert clean(f, posted(f, answer="yes"), required=False) is True
    assert error(f, posted(f), required=False) == "Confirm the declaration to continue"


def test_hidden_and_content_never_read_from_the_browser():
    hidden = fd("hidden", "Cost")
    assert posted(hidden, answer="999") is None
    assert clean(hidden, None) is None
    content = fd("content", "Guidance")
    assert content.has_answer is False


def _upload(name, data, field_key="answer"):
    return MultiValueDict({field_key: [SimpleUploadedFile(name, data)]})


def test_file_accepts_allowed_types_by_content():
    f = fd("file", "Photos", file_types="jpg, png", max_items=2)
    raw = f.type.parse(f, QueryDict(), _upload("sofa.png", PNG), "answer")
    assert clean(f, raw) is raw
    assert raw["new"][0].detected_type == "image/png"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.png", b"", "“empty.png” is empty. Choose another file"),
        ("doc.png", PDF, "“doc.png” must be a JPG or PNG (it looks like a PDF file)"),
        ("photo.png.exe", PNG, "“photo.png.exe” has two file extensions. Rename it so it ends"),
        ("photo.pdf", PNG, "“photo.pdf” is a PNG file but its name ends in .pdf. Rename it"),
    ],
)
def test_file_refuses_empty_wrong_type_and_double_extension(name, data, message):
    f = fd("file", "Photos", file_types="jpg, png")
    raw = {"existing": [], "new": [SimpleUploadedFile(name, data)]}
    assert error(f, raw).startswith(message)


def test_file_refuses_oversize_and_too_many(settings):
    f = fd("file", "Photos", max_file_mb=1, max_items=1)
    big = SimpleUploadedFile("big.png", PNG + b"\x00" * (1024 * 1024))
    assert error(f, {"existing": [], "new": [big]}) == (
        "“big.png” is too big. Each file must be smaller than 1 MB"
    )
    two = [SimpleUploadedFile("a.png", PNG), SimpleUploadedFile("b.png", PNG)]
    assert error(f, {"existing": [], "new": two}) == "You can upload up to 1 file"
    assert error(f, {"existing": [], "new": []}) == "Select photos"


def test_repeating_group_items_errors_and_maximum():
    f = _field_def(
        {
            "key": "items",
            "kind": "repeating",
            "label": "Items",
            "required": True,
            "max_items": 2,
            "children": [
                {"key": "item", "kind": "text", "label": "Item", "required": True},
                {
                    "key": "qty",
                    "kind": "number",
                    "label": "How many",
                    "required": True,
                    "max_value": "5",
                },
            ],
        }
    )
    q = QueryDict(mutable=True)
    q.update(
        {
            "items-count": "2",
            "items-0-item": "Sofa",
            "items-0-qty": "1",
            "items-1-item": "Fridge",
            "items-1-qty": "9",
        }
    )
    raw = f.type.parse(f, q, MultiValueDict(), "items")
    with pytest.raises(GroupErrors) as exc:
        clean(f, raw)
    assert exc.value.errors == {"items-1-qty": "How many must be 5 or less"}
    raw[1]["qty"] = "2"
    assert clean(f, raw) == [{"item": "Sofa", "qty": "1"}, {"item": "Fridge", "qty": "2"}]
    with pytest.raises(FieldError) as exc:
        clean(f, [{"item": "", "qty": ""}])
    assert exc.value.message == "Add at least one item to items"
    too_many = [{"item": "x", "qty": "1"}] * 3
    assert error(f, too_many) == "You can add up to 2 items"
    assert f.type.display(f, [{"item": "Sofa", "qty": "1"}]) == "Sofa, 1"
