"""Domain signals of the notifications app (sent with sender=Message, instance, actor=None)."""

from django.dispatch import Signal

notification_queued = Signal()  # a message was written to the outbox
notification_sent = Signal()  # the provider accepted it (instance.provider_id is set)
notification_failed = Signal()  # given up: instance.last_error says why
