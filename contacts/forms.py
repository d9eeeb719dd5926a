"""Contact forms: validation and plain-words errors only (the services do the writing)."""

from datetime import timedelta

from django import forms
from django.urls import reverse
from django.utils import timezone

from contacts.models import AvoidableReason, Channel, ContactType, PartnerOrganisation
from contacts.selectors import agent_outcomes
from core.refcache import held, held_choices
from organisation.models import Location, ServiceArea

YES_NO = [("yes", "Yes"), ("no", "No")]


def _yes_no(value):
    return {"yes": True, "no": False}.get(value)


class StartContactForm(forms.Form):
    channel = held_choices(
        forms.ModelChoiceField(
            queryset=Channel.objects.for_staff(),
            empty_label=None,
            error_messages={
                "required": "Select how the citizen contacted us.",
                "invalid_choice": "Select one of the channels in the list.",
            },
        )
    )
    location = held_choices(
        forms.ModelChoiceField(
            queryset=Location.objects.active(),
            empty_label="Select a location",
            error_messages={
                "required": "Select where you are taking this contact.",
                "invalid_choice": "Select one of the locations in the list.",
            },
        )
    )


class EndContactForm(forms.Form):
    service_area = held_choices(
        forms.ModelChoiceField(
            queryset=ServiceArea.objects.active(),
            empty_label="Select a service area",
            error_messages={
                "required": "Select the service area the contact was about.",
                "invalid_choice": "Select one of the service areas in the list.",
            },
        )
    )
    contact_type = held_choices(
        forms.ModelChoiceField(
            queryset=ContactType.objects.active().select_related("service_area"),
            empty_label="Select a contact type",
            error_messages={
                "required": "Select what the contact was about.",
                "invalid_choice": "Select one of the contact types in the list.",
            },
        )
    )
    outcome = held_choices(
        forms.ModelChoiceField(
            queryset=agent_outcomes(),
            widget=forms.RadioSelect,
            empty_label=None,
            error_messages={
                "required": "Select the outcome of the contact.",
                "invalid_choice": "Select one of the outcomes in the list.",
            },
        )
    )
    avoidable = forms.TypedChoiceField(
        label="Was the contact avoidable?",
        help_text="Would the citizen not have needed to contact us had we got it right "
        "first time?",
        choices=YES_NO,
        coerce=_yes_no,
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes if the contact was avoidable, or no."},
    )
    avoidable_reason = held_choices(
        forms.ModelChoiceField(
            label="Why was it avoidable?",
            queryset=AvoidableReason.objects.active(),
            required=False,
            empty_label="Select a reason",
            error_messages={"invalid_choice": "Select one of the reasons in the list."},
        )
    )
    resolved_at_first_contact = forms.TypedChoiceField(
        label="Was it resolved during this contact?",
        help_text="First-contact resolution: nothing more is needed from the council.",
        choices=YES_NO,
        coerce=_yes_no,
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes if the query was resolved during the contact."},
    )
    partners = held_choices(
        forms.ModelMultipleChoiceField(
            label="Signposted or referred to (optional)",
            queryset=PartnerOrganisation.objects.active(),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            error_messages={"invalid_choice": "Select partner organisations from the list."},
        )
    )
    notes = forms.CharField(
        label="Notes (optional)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": "Notes must be 5,000 characters or fewer."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partners"].queryset = PartnerOrganisation.objects.active()
        # The contact-type list follows the chosen service area without a page reload.
        self.fields["service_area"].widget.attrs.update(
            {
                "hx-get": reverse("contacts:contact_type_options"),
                "hx-trigger": "change",
                "hx-target": "#contact-type-slot",
                "hx-include": "this",
            }
        )

    def area_id(self):
        """The chosen service area's id (bound value), used to narrow the contact types."""
        value = self["service_area"].value()
        try:
            return int(value) if value not in (None, "") else None
        except (TypeError, ValueError):
            return None

    def contact_type_groups(self):
        """[(service area, [contact types])] for the select: one area once it is chosen."""
        # The active types are reference data, kept per process (core.refcache) like the
        # selects' own rows: the htmx select and the end-contact form read none.
        types = held(
            ("contact types with their areas",),
            lambda: list(ContactType.objects.active().select_related("service_area")),
            models=(ContactType, ServiceArea),
        )
        area_id = self.area_id()
        if area_id is not None:
            types = [kind for kind in types if kind.service_area_id == area_id]
        groups = {}
        for kind in types:
            groups.setdefault(kind.service_area, []).append(kind)
        return list(groups.items())

    def clean(self):
        data = super().clean()
        area, kind = data.get("service_area"), data.get("contact_type")
        if area is not None and kind is not None and kind.service_area_id != area.pk:
            self.add_error(
                "contact_type",
                f"“{kind.name}” is not a contact type of {area.name}. Select one of its "
                "contact types.",
            )
        if data.get("avoidable") is True and data.get("avoidable_reason") is None:
            self.add_error("avoidable_reason", "Select why the contact was avoidable.")
        if data.get("avoidable") is False:
            data["avoidable_reason"] = None
        return data

    def details(self):
        """The cleaned values, as keyword arguments for `contact_end`."""
        return {k: self.cleaned_data.get(k) for k in self.fields}


class AttachCitizenForm(forms.Form):
    citizen = forms.IntegerField(
        widget=forms.HiddenInput, error_messages={"required": "Choose the caller from the list."}
    )


class ReportForm(forms.Form):
    date_from = forms.DateField(
        label="From",
        required=False,
        help_text="For example, 1/3/2026",
        error_messages={"invalid": "Enter a real ‘from’ date, like 1/3/2026."},
        widget=forms.DateInput(attrs={"inputmode": "numeric"}),
    )
    date_to = forms.DateField(
        label="To",
        required=False,
        help_text="For example, 31/3/2026",
        error_messages={"invalid": "Enter a real ‘to’ date, like 31/3/2026."},
        widget=forms.DateInput(attrs={"inputmode": "numeric"}),
    )

    DEFAULT_DAYS = 28
    MAX_DAYS = 3 * 366

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        today = timezone.localdate()
        date_to = data.get("date_to") or today
        date_from = data.get("date_from") or date_to - timedelta(days=self.DEFAULT_DAYS - 1)
        if date_from > date_to:
            self.add_error("date_to", "The ‘to’ date must be the same as or after ‘from’.")
        elif (date_to - date_from).days > self.MAX_DAYS:
            self.add_error("date_from", "Choose a range of at most three years.")
        data["date_from"], data["date_to"] = date_from, date_to
        return data
