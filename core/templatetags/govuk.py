"""Which GOV.UK component renders a form field, chosen by the type of its widget."""

from django import forms, template

register = template.Library()

# Most specific first: CheckboxSelectMultiple is a RadioSelect, SelectMultiple a Select.
WIDGET_KINDS = [
    (forms.CheckboxSelectMultiple, "checkboxes"),
    (forms.RadioSelect, "radios"),
    (forms.CheckboxInput, "checkbox"),
    (forms.Select, "select"),
    (forms.Textarea, "textarea"),
    (forms.FileInput, "file"),
    (forms.HiddenInput, "hidden"),
]


@register.filter
def widget_kind(bound_field) -> str:
    """ "checkboxes", "radios", "checkbox", "select", "textarea", "file", "hidden" or "input"."""
    widget = bound_field.field.widget
    for widget_class, kind in WIDGET_KINDS:
        if isinstance(widget, widget_class):
            return kind
    return "input"
