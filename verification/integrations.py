"""How verification plugs into the apps below it, through their extension points (no app below
imports verification): the service-accounts panel on the citizen record, quick search by
service-account reference, and the services verified during a contact."""

from contacts.active import active_contact_for_request


def service_accounts_panel_context(request, citizen) -> dict:
    """The citizen's accounts with their verification state for this member of staff."""
    from verification.selectors import service_accounts_verified

    contact = active_contact_for_request(request).contact
    accounts = service_accounts_verified(citizen=citizen, staff=request.user, contact=contact)
    return {"service_accounts": accounts, "contact": contact}


def register() -> None:
    from citizens.panels import register_panel
    from citizens.search import register_reference_resolver
    from contacts.extensions import register_verified_services
    from verification.models import VerificationAttempt
    from verification.selectors import citizen_ids_for_reference, contact_verified_services

    register_panel(
        "verification/_citizen_panel.html",
        order=10,
        context=service_accounts_panel_context,
        slot="aside",
    )
    # The call summary and actions at the top of the record reuse the same context (one run).
    for slot in ("summary", "actions"):
        register_panel(
            f"verification/_citizen_{slot}.html",
            order=10,
            context=service_accounts_panel_context,
            slot=slot,
        )
    register_reference_resolver(citizen_ids_for_reference, label="Service account reference")
    register_verified_services(contact_verified_services, model=VerificationAttempt)
