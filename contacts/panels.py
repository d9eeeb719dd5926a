"""The contacts panel on the citizen record page (registered with citizens.panels in ready())."""

from citizens.panels import panel_context
from contacts.active import active_contact_for_request
from contacts.forms import StartContactForm
from contacts.selectors import (
    citizen_contacts_recent_and_total,
    contact_default_channel,
    contact_default_location,
    contact_prompts,
    staff_channels_held,
)


def contact_actions_context(request, citizen) -> dict:
    """The open contact, and what the "start a contact" controls should offer (the record's
    call actions use this alone; the full panel adds the history)."""
    open_contact = active_contact_for_request(request).contact
    context = {
        "open_contact": open_contact,
        "can_start": request.user.has_perm("contacts.add_contact"),
        "start_form": None,
    }
    if open_contact is None and context["can_start"]:
        location = contact_default_location(staff=request.user)
        channels = staff_channels_held()
        channel = contact_default_channel(
            location_id=location, requested=request.GET.get("channel") or "", channels=channels
        )
        context["start_form"] = StartContactForm(
            initial={
                "channel": channel,
                "location": location,
            },
            auto_id="start_%s",
        )
        # Offer the channel rows just read to choose the default, not a second read.
        context["start_form"].fields["channel"].choices = [(c.pk, str(c)) for c in channels]
    return context


def contact_panel_context(request, citizen) -> dict:
    """Recent contacts, the total, and what the "start a contact" box should offer."""
    context = dict(panel_context(contact_actions_context, request, citizen))
    open_contact = context["open_contact"]
    # The rows shown and the total in one query (COUNT(*) OVER ()).
    recent, total = citizen_contacts_recent_and_total(citizen=citizen)
    context.update(recent_contacts=recent, contact_total=total, extra_prompts=[])
    if open_contact is not None and open_contact.citizen_id == citizen.pk:
        context["extra_prompts"] = contact_prompts(
            citizen=citizen, staff=request.user, include_citizen=False
        )
    return context
