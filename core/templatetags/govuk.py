"""Which GOV.UK component renders a form field, chosen by the type of its widget."""

from django import forms, template
from django.template.base import Variable, VariableDoesNotExist, render_value_in_context
from django.utils.safestring import mark_safe

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


# --- includes/field.html, rendered in Python (#19) -------------------------------------------
# The include's markup used to be a template of ~30 variables and a loop per choice: 0.14 ms
# for a text box, ~0.9 ms for a select of six, 3.3 ms for one of 132 officers (the request page
# renders 15 fields). `govuk_field` writes the same bytes — every value through
# `render_value_in_context`, as `{{ }}` does, and the optional variables (classes, label_class,
# hint, rows, inline) read from the context as the template read them — in a tenth of the time.
# tests/core/test_field_include.py renders both for every kind of field and compares.

_OPTIONAL = {name: Variable(name) for name in ("classes", "label_class", "hint", "rows", "inline")}


def _optional(context, name):
    try:
        return _OPTIONAL[name].resolve(context)
    except VariableDoesNotExist:
        return None


def _error_lines(out, field, errors, text):
    for error in errors:
        out.append(
            f'<p id="{field}-error" class="govuk-error-message"><span '
            f'class="govuk-visually-hidden">Error:</span> {text(error)}</p>'
        )


def _attrs(out, attrs, text, *, skip=()):
    if attrs:
        for k, v in attrs.items():
            if k not in skip:
                out.append(f'{text(k)}="{text(v)}" ')


@register.simple_tag(takes_context=True)
def govuk_field(context, field):
    """What `includes/field.html` renders for `field` (see the comment above)."""

    def text(value):
        return render_value_in_context(value, context)

    widget_input_type = getattr(field.field.widget, "input_type", None) or ""
    kind = widget_kind(field)
    errors = field.errors
    name = text(field.html_name)
    error_class = " govuk-form-group--error" if errors else ""
    out = [f'\n<div class="govuk-form-group{error_class}" id="group-{name}">\n  ']
    if kind == "checkbox":
        for_id = text(field.id_for_label)
        checked = "checked" if field.value() else ""
        described = f'aria-describedby="{name}-error"' if errors else ""
        out.append(
            '\n    <div class="govuk-checkboxes govuk-checkboxes--small" '
            'data-module="govuk-checkboxes">\n      <div class="govuk-checkboxes__item">\n'
            f'        <input class="govuk-checkboxes__input" id="{for_id}" name="{name}" '
            f'type="checkbox" {checked} {described}>\n'
            f'        <label class="govuk-label govuk-checkboxes__label" for="{for_id}">'
            f"{text(field.label)}</label>\n        "
        )
        if field.help_text:
            out.append(
                f'<div class="govuk-hint govuk-checkboxes__hint">{text(field.help_text)}</div>'
            )
        out.append("\n      </div>\n    </div>\n    ")
        _error_lines(out, name, errors, text)
        out.append("\n  ")
    elif kind in ("radios", "checkboxes"):
        radios = kind == "radios"
        out.append('\n    <fieldset class="govuk-fieldset" ')
        if field.help_text or errors:
            out.append('aria-describedby="')
            if field.help_text:
                out.append(f"{name}-hint ")
            if errors:
                out.append(f"{name}-error")
            out.append('"')
        out.append(
            '>\n      <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">'
            f"{text(field.label)}</legend>\n      "
        )
        if field.help_text:
            out.append(f'<div id="{name}-hint" class="govuk-hint">{text(field.help_text)}</div>')
        out.append("\n      ")
        _error_lines(out, name, errors, text)
        if radios:
            inline = " govuk-radios--inline" if _optional(context, "inline") else ""
            out.append(
                f'\n      <div class="govuk-radios govuk-radios--small{inline}" '
                'data-module="govuk-radios">\n        '
            )
            item, box, label, kind_of_input = (
                "govuk-radios__item",
                "govuk-radios__input",
                "govuk-radios__label",
                "radio",
            )
        else:
            out.append(
                '\n      <div class="govuk-checkboxes govuk-checkboxes--small" '
                'data-module="govuk-checkboxes">\n        '
            )
            item, box, label, kind_of_input = (
                "govuk-checkboxes__item",
                "govuk-checkboxes__input",
                "govuk-checkboxes__label",
                "checkbox",
            )
        for choice in field:
            data = choice.data
            choice_id = text(choice.id_for_label)
            checked = "checked" if data["selected"] else ""
            out.append(
                f'\n        <div class="{item}">\n          <input class="{box}" '
                f'id="{choice_id}" name="{text(data["name"])}" type="{kind_of_input}" '
                f'value="{text(data["value"])}" {checked}>\n'
                f'          <label class="govuk-label {label}" for="{choice_id}">'
                f"{text(choice.choice_label)}</label>\n        </div>\n        "
            )
        out.append("\n      </div>\n    </fieldset>\n  ")
    else:
        for_id = text(field.id_for_label)
        label_class = text(_optional(context, "label_class") or "")
        out.append(
            f'\n    <label class="govuk-label {label_class}" for="{for_id}">'
            f"{text(field.label)}</label>\n    "
        )
        hint = _optional(context, "hint")
        if hint or field.help_text:
            out.append(
                f'<div id="{name}-hint" class="govuk-hint">{text(hint or field.help_text)}</div>'
            )
        out.append("\n    ")
        _error_lines(out, name, errors, text)
        out.append("\n    ")
        attrs = field.field.widget.attrs
        described = f'aria-describedby="{name}-error"' if errors else ""
        if kind == "select":
            classes = text(_optional(context, "classes") or "")
            error_class = " govuk-select--error" if errors else ""
            out.append(
                f'\n      <select class="govuk-select{error_class} {classes}" id="{for_id}" '
                f'name="{name}" '
            )
            _attrs(out, attrs, text)
            out.append(f"{described}>\n        ")
            for choice in field:
                data = choice.data
                selected = "selected" if data["selected"] else ""
                out.append(
                    f'<option value="{text(data["value"])}" {selected}>'
                    f"{text(choice.choice_label)}</option>"
                )
            out.append("\n      </select>\n    ")
        elif kind == "textarea":
            classes = text(_optional(context, "classes") or "")
            rows = text(_optional(context, "rows") or 4)
            error_class = " govuk-textarea--error" if errors else ""
            out.append(
                f'\n      <textarea class="govuk-textarea{error_class} {classes}" id="{for_id}" '
                f'name="{name}" rows="{rows}" '
            )
            _attrs(out, attrs, text, skip=("rows", "cols"))
            value = field.value()
            out.append(f"{described}>{text('' if value is None else value)}</textarea>\n    ")
        elif kind == "file":
            error_class = " govuk-file-upload--error" if errors else ""
            accept = attrs.get("accept") if attrs else None
            accept = f'accept="{text(accept)}"' if accept else ""
            out.append(
                f'\n      <input class="govuk-file-upload{error_class}" id="{for_id}" '
                f'name="{name}" type="file" {accept}>\n    '
            )
        else:
            classes = text(_optional(context, "classes") or "")
            error_class = " govuk-input--error" if errors else ""
            value = field.value()
            out.append(
                f'\n      <input class="govuk-input{error_class} {classes}" id="{for_id}" '
                f'name="{name}" type="{text(widget_input_type or "text")}" '
                f'value="{text("" if value is None else value)}" '
            )
            _attrs(out, attrs, text)
            out.append(f"{described}>\n    ")
        out.append("\n  ")
    out.append("\n</div>\n")
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped by text()
