"""The GOV.UK field include picks the component by the widget's type, not its template name."""

from django import forms
from django.template import Context, Template

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
