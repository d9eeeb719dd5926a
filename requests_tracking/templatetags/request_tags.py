"""A request's status and SLA tags, rendered in Python (#19): the request list shows both on
each of its rows, where an include per tag cost more than the row's own cells. The same markup
as `_status_tag.html` and `_sla_tag.html`, which other pages still include."""

from django import template
from django.forms import CheckboxInput
from django.template import engines
from django.template.defaultfilters import date
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime

from core.refcache import held

register = template.Library()

STATUS_COLOURS = {
    "open": "govuk-tag--blue",
    "waiting": "govuk-tag--yellow",
    "on_hold": "govuk-tag--purple",
    "resolved": "govuk-tag--green",
}
SLA_TAGS = {
    "breached": mark_safe('<strong class="govuk-tag govuk-tag--red">Breached</strong>'),
    "at_risk": mark_safe('<strong class="govuk-tag govuk-tag--orange">At risk</strong>'),
}
ON_TRACK = mark_safe('<strong class="govuk-tag govuk-tag--green">On track</strong>')


@register.simple_tag
def status_tag(r):
    colour = STATUS_COLOURS.get(r.status, "govuk-tag--grey")
    label = r.get_status_display()
    return format_html('<strong class="govuk-tag {}">{}</strong>\n', colour, label)


def _missed(r):
    return format_html(
        '<strong class="govuk-tag govuk-tag--pink" title="First missed a target on {}">'
        "Missed a target</strong>",
        date(template_localtime(r.breached_at), "j F Y"),
    )


@register.simple_tag
def sla_tag(r):
    if r.status in ("open", "waiting", "on_hold"):
        html = SLA_TAGS.get(r.sla_state, ON_TRACK)
        if r.breached_at and r.sla_state != "breached":
            html = format_html("{} {}", html, _missed(r))
    elif r.breached_at:
        html = _missed(r)
    else:
        html = ""
    return format_html("{}\n", html)


_FIELDS = None


@register.simple_tag
def form_fields(form):
    """A form's fields in GOV.UK markup (includes/field.html, one after the other). An unbound
    form given a `kept_key` is rendered once per process and kept with the reference data
    its selects offer (core.refcache): the request page's eight action forms and their
    ~140 options cost more than the rest of its markup."""
    global _FIELDS
    if _FIELDS is None:
        _FIELDS = engines["django"].from_string(
            '{% for field in form %}{% include "includes/field.html" with field=field %}'
            "{% endfor %}"
        )
    key = getattr(form, "kept_key", None)
    if key is None or form.is_bound:
        return _FIELDS.render({"form": form})
    return held(("form_fields", *key), lambda: _FIELDS.render({"form": form}))


_FILTERS = None
_CHECKBOX_VALUES = {"", "true", "false", "on"}


def _filter_key(form):
    """The request list's filter form as a key when every value it holds is one of a few
    (choices, an empty free-text field): the markup is then kept. None otherwise."""
    if not form.is_bound or form.errors:
        return None
    key = []
    for name, field in form.fields.items():
        raw = form.data.get(name, "")
        if raw in ("", None):
            key.append((name, ""))
            continue
        if isinstance(field.widget, CheckboxInput) and raw in _CHECKBOX_VALUES:
            key.append((name, raw))
            continue
        choices = getattr(field, "choices", None)
        if choices is None or str(raw) not in {str(value) for value, _label in choices}:
            return None  # free text, dates, or a value the choices do not hold
        key.append((name, str(raw)))
    return ("request_filters", *key)


@register.simple_tag
def filter_fields(form):
    """The request list's filters in GOV.UK markup; kept per process for the common choices
    (an officer's list opens on the same three every time)."""
    global _FILTERS
    if _FILTERS is None:
        _FILTERS = engines["django"].from_string(
            "{% for field in form %}{% if field.is_hidden %}{{ field }}{% else %}"
            '{% include "includes/field.html" with field=field classes="govuk-!-width-full" %}'
            "{% endif %}{% endfor %}"
        )
    key = _filter_key(form)
    if key is None:
        return _FILTERS.render({"form": form})
    return held(key, lambda: _FILTERS.render({"form": form}))
