"""Timeline entries for what other council systems did or were told about a citizen: imports,
service-account syncs and webhook deliveries (the integration app's signals)."""

from timeline.models import ActorType, Kind
from timeline.services import EntryData, entries_write_many, entry_write
from timeline.sources import Source, link_to, register

ROW = "integration.importrow"
SYNC = "verification.serviceaccount.sync"
DELIVERY = "integration.webhookattempt"
OUTCOME_WORDS = {
    "matched": "matched to this record",
    "new": "created this record",
    "review": "created this record (similar to another: in the duplicates review)",
}


def row_entry(row, *, source, occurred_at, actor_id=None) -> EntryData:
    return EntryData(
        key=f"{ROW}:{row.pk}",
        citizen_id=row.citizen_id,
        kind=Kind.RECORD_IMPORTED,
        occurred_at=occurred_at,
        summary=f"Import from {source}: row {row.row_number} {OUTCOME_WORDS[row.outcome]}",
        actor_id=actor_id,
        actor_type=ActorType.STAFF if actor_id else ActorType.SYSTEM,
        source_type=ROW,
        source_id=str(row.pk),
        detail={"run_id": row.run_id, "differences": [d["field"] for d in row.differences]},
    )


def on_rows_imported(sender, rows, actor=None, source="", **kwargs):
    from django.utils import timezone

    now = timezone.now()
    actor_id = getattr(actor, "pk", None)
    # A batch of an import: its entries written in one statement.
    entries_write_many(
        data=[row_entry(row, source=source, occurred_at=now, actor_id=actor_id) for row in rows]
    )


def sync_entry(account, *, citizen_id, system_name, created, version, occurred_at, actor_id):
    verb = "linked" if created else "updated"
    return EntryData(
        key=f"{SYNC}:{account.pk}:{version}",
        citizen_id=citizen_id,
        kind=Kind.SERVICE_ACCOUNT_SYNCED,
        occurred_at=occurred_at,
        summary=f"{system_name} {verb} {account}",
        actor_id=actor_id,
        actor_type=ActorType.SYSTEM,
        service_area_id=account.service_area_id,
        source_type=SYNC,
        source_id=str(account.pk),
    )


def on_service_account_synced(
    sender,
    instance,
    actor=None,
    citizen_id=None,
    created=False,
    system_name="",
    version=1,
    **kwargs,
):
    entry_write(
        data=sync_entry(
            instance,
            citizen_id=citizen_id,
            system_name=system_name,
            created=created,
            version=version,
            occurred_at=instance.last_synced_at or instance.created_at,
            actor_id=getattr(actor, "pk", None),
        )
    )


def delivery_entry(attempt, *, system_name) -> EntryData:
    return EntryData(
        key=f"{DELIVERY}:{attempt.pk}",
        citizen_id=attempt.citizen_id,
        kind=Kind.WEBHOOK_DELIVERED,
        occurred_at=attempt.attempted_at,
        summary=f"{system_name} told: {attempt.event}",
        actor_type=ActorType.SYSTEM,
        source_type=DELIVERY,
        source_id=str(attempt.pk),
        detail={"event": attempt.event, "message_id": attempt.message_id},
    )


def on_webhook_delivered(sender, instance, citizen_id=None, system_name="", **kwargs):
    entry_write(data=delivery_entry(instance, system_name=system_name))


def connect() -> None:
    from integration import signals

    signals.rows_imported.connect(on_rows_imported, dispatch_uid="timeline_on_rows_imported")
    signals.service_account_synced.connect(
        on_service_account_synced, dispatch_uid="timeline_on_service_account_synced"
    )
    signals.webhook_delivered.connect(
        on_webhook_delivered, dispatch_uid="timeline_on_webhook_delivered"
    )


def history(citizen_ids):
    from integration.models import ImportRow, WebhookAttempt

    rows = ImportRow.objects.select_related("run").filter(
        citizen__isnull=False, outcome__in=list(OUTCOME_WORDS), run__status="imported"
    )
    attempts = WebhookAttempt.objects.select_related("subscription__client_system").filter(
        citizen_id__isnull=False, status_code__gte=200, status_code__lt=300
    )
    if citizen_ids is not None:
        rows = rows.filter(citizen_id__in=citizen_ids)
        attempts = attempts.filter(citizen_id__in=citizen_ids)
    for row in rows.order_by("pk").iterator(chunk_size=2000):
        yield row_entry(
            row,
            source=row.run.source,
            occurred_at=row.run.finished_at or row.run.created_at,
            actor_id=row.run.created_by_id,
        )
    for attempt in attempts.order_by("pk").iterator(chunk_size=2000):
        yield delivery_entry(attempt, system_name=attempt.subscription.client_system.name)


register(
    Source(
        name="integration",
        connect=connect,
        history=history,
        links={
            ROW: lambda entry: "",
            SYNC: link_to("citizens:detail", attr="citizen_id", anchor="#service-accounts"),
        },
    )
)
