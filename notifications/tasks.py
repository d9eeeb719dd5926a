from celery import shared_task

from notifications import services


@shared_task(name="notifications.tasks.send_message", ignore_result=True)
def send_message(message_id: int) -> None:
    services.message_send(message_id=message_id)


@shared_task(name="notifications.tasks.outbox_sweep", ignore_result=True)
def outbox_sweep() -> int:
    return services.outbox_sweep()
