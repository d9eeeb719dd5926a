"""The GOV.UK field include picks the component by the widget's type, not its template name."""

import datetime
import decimal
from pathlib import Path

import pytest
from django import forms
from django.template import Context, Template
from django.utils.safestring import mark_safe

from core.templatetags.govuk import widget_kind


class TilesWidget(forms.RadioSelect):
    """A radio widget whose template name says nothing about radios."""

    template_name = "app/tiles.html"


class ExampleForm(forms.Form):
    agree = forms.BooleanField(required=False, label="I agree")
    colour = forms.ChoiceField(choices=[("r", "Red"), ("g", "Green")], widget=TilesWidget)
    days = forms.MultipleChoiceField(
        choices=[("mon", "Monday")], widget=forms.CheckboxSelectMultiple, required=False
    )
    area = forms.ChoiceField(choices=[("1", "Waste")])
    notes = forms.CharField(widget=forms.Textarea)
    photo = forms.FileField(required=False)
    email = forms.EmailField()


def render(field):
    template = Template('{% include "includes/field.html" with field=field %}')
    return template.render(Context({"field": field}))


def test_each_widget_type_has_its_component():
    form = ExampleForm()
    kinds = {name: widget_kind(form[name]) for name in form.fields}
    assert kinds == {
        "agree": "checkbox",
        "colour": "radios",
        "days": "checkboxes",
        "area": "select",
        "notes": "textarea",
        "photo": "file",
        "email": "input",
    }


def test_a_radio_widget_with_another_template_name_renders_as_govuk_radios():
    html = render(ExampleForm()["colour"])
    assert 'class="govuk-radios__input"' in html
    assert 'type="radio"' in html


def test_multiple_checkboxes_render_as_govuk_checkboxes():
    html = render(ExampleForm()["days"])
    assert 'class="govuk-checkboxes__input"' in html
    assert "govuk-radios" not in html


def test_text_inputs_keep_their_input_type():
    html = render(ExampleForm()["email"])
    assert 'type="email"' in html
    assert "govuk-input" in html


# --- the markup is written in Python (govuk_field): the same bytes as the template it replaced


class EveryKindForm(forms.Form):
    agree = forms.BooleanField(required=False, label="I <agree>", help_text="Tick & go")
    consent = forms.BooleanField(label="Consent")
    colour = forms.ChoiceField(
        choices=[("r", "Red"), ("g", "Green & <blue>")],
        widget=forms.RadioSelect,
        help_text="Pick one",
    )
    days = forms.MultipleChoiceField(
        choices=[("mon", "Monday"), ("tue", "Tuesday")], widget=forms.CheckboxSelectMultiple
    )
    area = forms.ChoiceField(
        choices=[("", "Select an area"), ("1", "Waste"), ("2", 'Tax "band" <b>')],
        help_text="Which service",
    )
    grouped = forms.ChoiceField(
        choices=[("Streets", [(1, "Lights"), (2, "Potholes")]), ("Bins", [(3, "Missed")])],
        required=False,
    )
    notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "cols": 9, "maxlength": 50, "data-x": "<y>"}),
        initial="<script>alert(1)</script>",
    )
    photo = forms.FileField(
        required=False, widget=forms.ClearableFileInput(attrs={"accept": ".pdf"})
    )
    plain_file = forms.FileField(required=False)
    email = forms.EmailField(widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    when = forms.DateField(initial=datetime.date(2026, 11, 29), help_text="DD/MM/YYYY")
    count = forms.IntegerField(initial=12345)
    amount = forms.DecimalField(initial=decimal.Decimal("1234.50"), required=False)
    secret = forms.CharField(widget=forms.HiddenInput, initial="s&t")
    nothing = forms.CharField(required=False, label=mark_safe("<em>Safe</em> label"))


REFERENCE = (Path(__file__).parent / "templates" / "field_reference.html").read_text()
OPTIONAL = [
    {},
    {"classes": "govuk-input--width-10", "label_class": "govuk-label--s", "hint": "A <hint>"},
    {"inline": True, "rows": 7},
    {"rows": ["leaked", "from", "outside"], "hint": "", "classes": None},
]


def _forms():
    bound_bad = {"colour": "x", "days": ["mon", "zzz"], "area": "9", "email": "no", "count": "z"}
    bound_good = {
        "agree": "on",
        "consent": "on",
        "colour": "g",
        "days": ["tue"],
        "area": "2",
        "grouped": "2",
        "notes": "Fine & dandy",
        "email": "a@b.com",
        "when": "01/02/2026",
        "count": "7",
        "secret": "<s>",
    }
    return [EveryKindForm(), EveryKindForm(bound_bad), EveryKindForm(bound_good)]


@pytest.mark.parametrize("autoescape", [True, False])
def test_govuk_field_writes_what_the_template_wrote(autoescape):
    from django.template import Engine
    from django.template.loader import get_template

    reference = Engine(libraries={"govuk": "core.templatetags.govuk"}).from_string(REFERENCE)
    ours = get_template("includes/field.html").template
    compared = 0
    for form in _forms():
        for name in form.fields:
            for extra in OPTIONAL:
                context = {"field": form[name], **extra}
                expected = reference.render(Context(context, autoescape=autoescape))
                assert ours.render(Context(context, autoescape=autoescape)) == expected, (
                    name,
                    extra,
                )
                compared += 1
    assert compared == 3 * len(EveryKindForm.base_fields) * len(OPTIONAL)
