"""The contacts app's part of a subject access export."""

from audit.subject_access.registry import Exporter, Section, record, register
from contacts.models import Contact


def export_contacts(citizen) -> Section:
    contacts = (
        Contact.objects.filter(citizen=citizen)
        .select_related(
            "agent",
            "channel",
            "location",
            "service_area",
            "contact_type",
            "outcome",
            "avoidable_reason",
        )
        .prefetch_related("partners")
        .order_by("started_at")
    )
    return Section(
        title="Contacts with the council",
        tables={
            "Contacts": [
                record(c, extra={"signposted_to": [str(p) for p in c.partners.all()]})
                for c in contacts
            ]
        },
    )


register(
    Exporter(
        app_label="contacts",
        title="Contacts with the council",
        models=("contacts.contact",),
        export=export_contacts,
        order=20,
    )
)
