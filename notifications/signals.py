"""Domain signals of the notifications app (sent with sender=Message, instance, actor).

`message_enqueue` sends `notification_queued` for its one message; `messages_enqueue_many`
(the SLA sweep and other bulk writers) sends `notifications_queued` once, with `instances`, the
list of new messages. A receiver that wants every queued message connects to both.
"""

from django.dispatch import Signal

notification_queued = Signal()  # a message was written to the outbox
notifications_queued = Signal()  # instances=[Message, ...] were written to the outbox together
notification_sent = Signal()  # the provider accepted it (instance.provider_id is set)
notification_failed = Signal()  # given up: instance.last_error says why
