"""Reference data the forms engine starts with: the "Online form" channel of origin and the
portals. Created by a data migration and by `seed_reference` (idempotent)."""

from contacts.models import Channel

ONLINE_FORM_CODE = "online_form"
PORTALS = [
    ("citizen", "Citizen portal", "public", "Forms residents fill in on the council's website."),
    (
        "contact-centre",
        "Contact centre – internal",
        "staff",
        "Forms only staff use, on a resident's behalf or for the council's own records.",
    ),
    ("reception", "Reception", "staff", "Forms for the reception desks."),
]


def online_form_channel():
    channel, _ = Channel.objects.update_or_create(
        code=ONLINE_FORM_CODE,
        defaults={"self_service": True},
        create_defaults={"name": "Online form", "ordering": 70, "self_service": True},
    )
    return channel


def forms_reference_seed() -> None:
    from forms_engine.models import Portal

    online_form_channel()
    for slug, name, kind, description in PORTALS:
        Portal.objects.get_or_create(
            slug=slug, defaults={"name": name, "kind": kind, "description": description}
        )


seed = forms_reference_seed  # called by core's seed_reference
