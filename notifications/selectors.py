from notifications.models import Message


def messages_about(*, obj):
    """Messages about one object, newest first, with what a list of them shows (not bodies)."""
    return messages_about_key(object_type=obj._meta.label_lower, object_id=str(obj.pk))


def messages_about_key(*, object_type: str, object_id: str):
    """`messages_about` by the object's type label and id."""
    return (
        Message.objects.filter(object_type=object_type, object_id=object_id)
        .only(
            "id",
            "channel",
            "recipient",
            "recipient_kind",
            "subject",
            "event",
            "status",
            "last_error",
            "created_at",
            "sent_at",
        )
        .order_by("-created_at", "-id")
    )


def messages_for_citizen(*, citizen):
    return Message.objects.filter(citizen=citizen).order_by("-created_at", "-id")
