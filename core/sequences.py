from django.db import transaction

from core.models import Sequence


@transaction.atomic
def sequence_take(*, name: str, count: int = 1) -> range:
    """Reserve `count` consecutive numbers from the named counter (safe under concurrency)."""
    Sequence.objects.get_or_create(name=name)
    seq = Sequence.objects.select_for_update().get(name=name)
    start = seq.value + 1
    seq.value += count
    seq.save(update_fields=["value"])
    return range(start, start + count)


def sequence_next(*, name: str) -> int:
    return sequence_take(name=name, count=1)[0]
