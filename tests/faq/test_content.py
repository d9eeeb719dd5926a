"""Markdown sanitising, the one-text-message rule, placeholders and the snapshot schema."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from faq.markdown import markdown_to_html, markdown_to_text
from faq.models import Article, DynamicBlock
from faq.placeholders import placeholders_fill, placeholders_problems
from faq.services import article_save
from faq.sms import sms_length, sms_problem
from verification.snapshot_schema import (
    SnapshotInvalid,
    snapshot_json_schema,
    snapshot_parse,
    snapshot_validate,
)

# --- sanitising ----------------------------------------------------------------------------------


def test_markdown_removes_script_with_its_content():
    html = markdown_to_html("Hello\n\n<script>alert('x')</script>\n\nBye")
    assert "<script" not in html
    assert "alert" not in html
    assert "Hello" in html
    assert "Bye" in html


def test_markdown_removes_event_handlers_and_raw_html_tags():
    html = markdown_to_html('<div onclick="steal()">Click</div> <img src=x onerror="steal()">')
    assert "onclick" not in html
    assert "onerror" not in html
    assert "steal" not in html
    assert "<div" not in html
    assert "<img" not in html
    assert "Click" in html


@pytest.mark.parametrize(
    "link",
    [
        "[pay](javascript:alert(1))",
        "[pay](JaVaScRiPt:alert(1))",
        '<a href="javascript:alert(1)">pay</a>',
        "[pay](data:text/html;base64,PHNjcmlwdD4=)",
        "[pay](vbscript:msgbox(1))",
    ],
)
def test_markdown_removes_dangerous_links(link):
    html = markdown_to_html(f"Please {link} now")
    assert "href" not in html
    assert "Please" in html


def test_markdown_keeps_safe_links_and_structure_with_govuk_classes():
    html = markdown_to_html("# Bins\n\n- one\n- two\n\n[Pay online](https://pay.example.gov.uk)")
    assert '<h2 class="govuk-heading-m">Bins</h2>' in html  # one level down: the page has the h1
    assert '<ul class="govuk-list govuk-list--bullet">' in html
    assert 'href="https://pay.example.gov.uk"' in html
    assert 'class="govuk-link"' in html
    assert 'rel="noopener noreferrer"' in html


@pytest.mark.django_db
def test_article_save_stores_sanitised_html():
    article = Article(
        title="T",
        slug="t",
        summary="Short.",
        body="Hi <script>x()</script>",
        internal_notes="<b onmouseover=x()>Escalate</b>",
    )
    article_save(actor=None, article=article)
    assert "script" not in article.body_html
    assert "onmouseover" not in article.internal_html
    assert "Escalate" in article.internal_html


def test_markdown_to_text_keeps_links_and_drops_html():
    text = markdown_to_text("Pay [online](https://pay.example) <script>x</script>\n\n- a\n- b")
    assert text == "Pay online (https://pay.example)\n\n- a\n- b"


# --- one text message ----------------------------------------------------------------------------


def test_sms_length_counts_gsm_extension_characters_twice():
    size = sms_length("Cost: €5 [approx]")
    assert size.encoding == "GSM-7"
    assert size.length == len("Cost: €5 [approx]") + 3


def test_sms_with_a_curly_quote_switches_to_the_70_character_limit():
    size = sms_length("It’s due")
    assert size.encoding == "Unicode"
    assert size.limit == 70
    assert size.non_gsm == "’"


def test_sms_problem_names_the_characters_that_force_unicode():
    problem = sms_problem("It’s " + "x" * 70)
    assert "“’”" in problem
    assert "70" in problem


def test_sms_of_exactly_160_gsm_characters_fits():
    assert sms_problem("x" * 160) is None
    assert "Shorten the summary by 1" in sms_problem("x" * 161)


@pytest.mark.django_db
def test_article_summary_too_long_with_its_link_is_refused(settings):
    settings.PUBLIC_BASE_URL = "https://www.example-borough.gov.uk"
    link = "https://www.example-borough.gov.uk/help/tax/"
    article = Article(title="T", slug="tax", summary="x" * (160 - len(link)), body="b")
    with pytest.raises(ValidationError) as exc:
        article_save(actor=None, article=article)
    assert "Shorten the summary by 1" in exc.value.message_dict["summary"][0]
    article.summary = "x" * (159 - len(link))
    article_save(actor=None, article=article)
    assert Article.objects.filter(slug="tax").exists()


@pytest.mark.django_db
def test_article_summary_with_unicode_is_held_to_70_characters():
    article = Article(title="T", slug="u", summary="Pay by 1st – " + "x" * 40, body="b")
    with pytest.raises(ValidationError) as exc:
        article_save(actor=None, article=article)
    assert "70" in exc.value.message_dict["summary"][0]
    assert "“–”" in exc.value.message_dict["summary"][0]


# --- placeholders --------------------------------------------------------------------------------


def test_unknown_placeholder_is_refused_with_the_list_of_valid_ones():
    problems = placeholders_problems("council_tax", "Balance ((balanse)) due")
    assert len(problems) == 1
    assert "((balanse)) does not exist" in problems[0]
    assert "((balance))" in problems[0]


def test_template_code_is_refused_in_blocks():
    problems = placeholders_problems("council_tax", "Balance {{ balance }} {% if x %}")
    assert any("Template code" in p for p in problems)


def test_unclosed_placeholder_is_refused():
    assert placeholders_problems("benefits", "Status ((claim_status") == [
        "A placeholder is not closed: write it as ((name))."
    ]


def test_known_placeholders_pass():
    assert placeholders_problems("licence", "((licence_type)) ((reference)) ((expiry_date))") == []


@pytest.mark.django_db
def test_dynamic_block_model_validation_refuses_unknown_placeholder():
    block = DynamicBlock(name="B", service_account_kind="benefits", text="((balance))")
    with pytest.raises(ValidationError) as exc:
        block.full_clean()
    assert "((balance)) does not exist" in exc.value.message_dict["text"][0]


def test_placeholders_fill_escapes_text_and_formats_values():
    html = placeholders_fill(
        "<b>Owed</b>: ((balance)) by ((next_instalment_date)); ((discounts))",
        {"balance": Decimal("1234.5"), "next_instalment_date": datetime.date(2026, 12, 1)},
    )
    assert "&lt;b&gt;Owed&lt;/b&gt;" in html
    assert "<strong>£1,234.50</strong>" in html
    assert "<strong>1 December 2026</strong>" in html
    assert "<strong>not recorded</strong>" in html


# --- snapshot schema -----------------------------------------------------------------------------


def test_snapshot_validate_normalises_to_the_stored_form():
    stored = snapshot_validate(
        "council_tax",
        {"band": "D", "balance": 10.5, "next_instalment_date": "2026-01-01", "discounts": None},
    )
    assert stored == {"band": "D", "balance": "10.50", "next_instalment_date": "2026-01-01"}


def test_snapshot_validate_lists_every_problem_in_plain_words():
    with pytest.raises(SnapshotInvalid) as exc:
        snapshot_validate(
            "council_tax",
            {"band": "Z", "balance": "lots", "next_instalment_date": "1/12/2026", "colour": "x"},
        )
    errors = exc.value.errors
    assert set(errors) == {"band", "balance", "next_instalment_date", "colour"}
    assert errors["colour"] == "Unknown field for a council tax account."
    assert "YYYY-MM-DD" in errors["next_instalment_date"]


def test_snapshot_validate_requires_required_fields():
    with pytest.raises(SnapshotInvalid) as exc:
        snapshot_validate("housing_rent", {"weekly_rent": "95.00"})
    assert exc.value.errors == {"balance": "This field is required."}


def test_snapshot_money_refuses_fractions_of_pennies_and_booleans():
    for bad in ("1.005", True, "NaN", "1e12"):
        with pytest.raises(SnapshotInvalid):
            snapshot_validate("housing_rent", {"weekly_rent": bad, "balance": "0"})


def test_snapshot_parse_returns_typed_values():
    values = snapshot_parse(
        "benefits",
        {
            "benefit": "housing_benefit",
            "claim_status": "in_payment",
            "next_payment_date": "2026-12-07",
        },
    )
    assert values["claim_status"].label == "In payment"
    assert values["next_payment_date"] == datetime.date(2026, 12, 7)


def test_unknown_kind_has_no_schema():
    with pytest.raises(SnapshotInvalid) as exc:
        snapshot_validate("parking", {})
    assert "no snapshot schema" in exc.value.errors["kind"]


def test_json_schema_describes_required_and_nullable_fields():
    schema = snapshot_json_schema("council_tax")
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) == {"band", "balance"}
    assert schema["properties"]["balance"]["type"] == "string"
    assert schema["properties"]["payment_method"]["type"] == ["string", "null"]
    assert None in schema["properties"]["payment_method"]["enum"]
