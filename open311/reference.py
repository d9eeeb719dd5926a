"""The channel of origin of requests sent by reporting apps (`seed_reference` runs `seed`)."""

CHANNEL = ("open311", "Open311 app")


def seed() -> None:
    from contacts.models import Channel

    code, name = CHANNEL
    Channel.objects.update_or_create(
        code=code,
        defaults={"self_service": True},
        create_defaults={"name": name, "ordering": 70, "self_service": True},
    )
