from notifications.models import Message


def messages_for(*, obj) -> list[Message]:
    """Messages about one object (a request…), newest first."""
    return list(
        Message.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).order_by(
            "-created_at", "-id"
        )
    )


def messages_for_citizen(*, citizen):
    return Message.objects.filter(citizen=citizen).order_by("-created_at", "-id")
