from celery import shared_task

from notifications import services


# One message; kept so tasks queued before the batch task existed are still consumed.
@shared_task(name="notifications.tasks.send_message", ignore_result=True)
def send_message(message_id: int) -> None:
    services.message_send(message_id=message_id)


@shared_task(name="notifications.tasks.send_messages", ignore_result=True)
def send_messages(message_ids: list[int]) -> int:
    return services.messages_send(message_ids=message_ids)


@shared_task(name="notifications.tasks.outbox_sweep", ignore_result=True)
def outbox_sweep() -> int:
    return services.outbox_sweep()
