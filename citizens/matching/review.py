"""The register-wide duplicate review: score the whole register in blocks, keep a queue.

A run goes through three phases, each in key order with a cursor saved after every block
(in the block's own transaction), so a restarted worker carries on where the last one
stopped and memory stays bounded by one block:

1. dates_of_birth — people born on one day who share a name key (a sound-alike of any name
   token, or a nickname group): typos, nicknames, swapped names, a new surname, a move.
2. postcodes — people with an address (current or previous) in one postcode who share a name
   key or a date of birth: day and month swapped, a missing date of birth, a wrong digit.
3. phones — people sharing a phone number (numbers shared by more than 20 are switchboards).

Pairs scoring at least "possible" are upserted into DuplicatePair; a decided pair keeps its
decision (a "different people" pair never comes back), open pairs no longer found are
removed when the run finishes. One run at a time: a lease on the run row, renewed per block.
"""

import time
from collections import defaultdict
from datetime import timedelta
from itertools import combinations

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from citizens.matching.bulk import MARGIN, Bound
from citizens.matching.matcher import score_pairs, thresholds
from citizens.matching.parameters import parameters_current
from citizens.matching.records import records_for_ids
from citizens.models import Citizen, DuplicatePair, DuplicateReviewRun, NotDuplicate, PhoneNumber

BLOCK_SIZE = 4000  # rows read per block
MAX_GROUP = 60  # a blocking group larger than this is split by a finer key
PHONE_GROUP_MAX = 20
PHASES = ("dates_of_birth", "postcodes", "phones")


def _groups_to_pairs(groups) -> set[tuple[int, int]]:
    pairs = set()
    for members in groups:
        if len(members) < 2:
            continue
        members = sorted(set(members))
        if len(members) > MAX_GROUP:
            continue  # e.g. hundreds of records with one placeholder date: not a signal
        pairs.update(combinations(members, 2))
    return pairs


def _score_and_store(run, pairs, records) -> tuple[int, int]:
    """Score pairs, upsert those in a band, skip pairs ruled different. (scored, queued)."""
    if not pairs:
        return 0, 0
    ids = {i for p in pairs for i in p}
    ruled_out = set(
        NotDuplicate.objects.filter(citizen_a_id__in=ids, citizen_b_id__in=ids).values_list(
            "citizen_a_id", "citizen_b_id"
        )
    )
    limits = thresholds()
    # The score's exact upper bound first (names compared only as far as needed): pairs that
    # cannot reach "possible" are not scored and explained.
    bound = Bound(parameters_current())
    cut = limits["possible"] - MARGIN
    wanted = [
        p
        for p in pairs
        if p[0] in records
        and p[1] in records
        and p not in ruled_out
        and p[::-1] not in ruled_out
        and bound.upper_records(records[p[0]], records[p[1]], cut) >= cut
    ]
    bound.forget()
    rows = []
    for a, b, m in score_pairs(wanted, records, floor=limits["possible"], limits=limits):
        if m.band:
            rows.append(
                DuplicatePair(
                    citizen_a_id=a,
                    citizen_b_id=b,
                    score=m.score,
                    band=m.band,
                    summary=m.summary[:300],
                    reasons_for=m.reasons_for,
                    reasons_against=m.reasons_against,
                    run=run,
                )
            )
    if rows:
        DuplicatePair.objects.bulk_create(
            rows,
            batch_size=1000,
            update_conflicts=True,
            unique_fields=["citizen_a", "citizen_b"],
            update_fields=["score", "band", "summary", "reasons_for", "reasons_against", "run"],
        )
    return len(pairs), len(rows)


def _next_boundary(values_qs, cursor):
    """The key value closing the next block: the BLOCK_SIZE-th value after the cursor."""
    qs = values_qs.filter(key__gt=cursor) if cursor is not None else values_qs
    qs = qs.order_by("key").values_list("key", flat=True)
    end = list(qs[BLOCK_SIZE - 1 : BLOCK_SIZE])
    if end:
        return end[0], False
    last = qs.reverse()[:1]
    last = list(last)
    return (last[0], True) if last else (None, True)


def _block_dates_of_birth(run, cursor):
    from datetime import date

    active = Citizen.objects.filter(status=Citizen.Status.ACTIVE).exclude(date_of_birth=None)
    start = date.fromisoformat(cursor) if cursor else None
    keyed = active.annotate(key=F("date_of_birth"))
    end, done = _next_boundary(keyed, start)
    if end is None:
        return None, 0, 0
    block = active.filter(date_of_birth__lte=end)
    if start:
        block = block.filter(date_of_birth__gt=start)
    records = records_for_ids(list(block.values_list("id", flat=True)))
    groups = defaultdict(list)
    for r in records.values():
        for key in r.name_keys():
            groups[(r.dob, key)].append(r.id)
    scored, queued = _score_and_store(run, _groups_to_pairs(groups.values()), records)
    return (None if done else end.isoformat()), scored, queued


def _block_postcodes(run, cursor):
    from citizens.models import Address

    # No join to the citizen here (an index range on the address table); merged records are
    # dropped when the block's records are loaded.
    addresses = Address.objects.exclude(postcode_compact="")
    keyed = addresses.annotate(key=F("postcode_compact"))
    end, done = _next_boundary(keyed, cursor or None)
    if end is None:
        return None, 0, 0
    block = addresses.filter(postcode_compact__lte=end)
    if cursor:
        block = block.filter(postcode_compact__gt=cursor)
    ids = set(block.values_list("citizen_id", flat=True))
    records = records_for_ids(list(ids), active_only=True)
    groups = defaultdict(list)
    for r in records.values():
        keys = r.name_keys() | ({f"d{r.dob.isoformat()}"} if r.dob else set())
        for a in r.addresses:
            if a.postcode and (not cursor or a.postcode > cursor) and a.postcode <= end:
                for key in keys:
                    groups[(a.postcode, key)].append(r.id)
    scored, queued = _score_and_store(run, _groups_to_pairs(groups.values()), records)
    return (None if done else end), scored, queued


def _block_phones(run, cursor):
    phones = PhoneNumber.objects.all()
    keyed = phones.annotate(key=F("number"))
    end, done = _next_boundary(keyed, cursor or None)
    if end is None:
        return None, 0, 0
    block = phones.filter(number__lte=end)
    if cursor:
        block = block.filter(number__gt=cursor)
    groups = defaultdict(set)
    for number, cid in block.values_list("number", "citizen_id"):
        groups[number].add(cid)
    groups = [g for g in groups.values() if 2 <= len(g) <= PHONE_GROUP_MAX]
    ids = {i for g in groups for i in g}
    records = records_for_ids(list(ids), active_only=True) if ids else {}
    scored, queued = _score_and_store(run, _groups_to_pairs(groups), records)
    return (None if done else end), scored, queued


BLOCKS = {
    "dates_of_birth": _block_dates_of_birth,
    "postcodes": _block_postcodes,
    "phones": _block_phones,
}


def _take_run(now, lease_seconds):
    """The running review (a new one if the last finished long enough ago), leased to us."""
    run = DuplicateReviewRun.objects.filter(status=DuplicateReviewRun.Status.RUNNING).first()
    if run is None:
        last = DuplicateReviewRun.objects.filter(status=DuplicateReviewRun.Status.FINISHED).first()
        every = timedelta(hours=settings.MATCH_REVIEW_EVERY_HOURS)
        if last and last.finished_at and last.finished_at > now - every:
            return None
        try:
            with transaction.atomic():
                run = DuplicateReviewRun.objects.create(phase=PHASES[0])
        except IntegrityError:
            return None  # another worker started one this instant
    taken = (
        DuplicateReviewRun.objects.filter(pk=run.pk)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .update(lease_until=now + timedelta(seconds=lease_seconds))
    )
    if not taken:
        return None
    run.refresh_from_db()
    return run


def review_start(*, force=False):
    """Ask for a new run now (the next step starts it even if the last one is recent)."""
    if DuplicateReviewRun.objects.filter(status=DuplicateReviewRun.Status.RUNNING).exists():
        return None
    if not force:
        return None
    try:
        with transaction.atomic():
            return DuplicateReviewRun.objects.create(phase=PHASES[0])
    except IntegrityError:
        return None


def review_step(*, seconds: float = 240.0) -> DuplicateReviewRun | None:
    """Work on the register review for up to `seconds`, one block per transaction."""
    started = time.monotonic()
    run = _take_run(timezone.now(), lease_seconds=seconds + 120)
    if run is None:
        return None
    while True:
        t0 = time.monotonic()
        with transaction.atomic():
            next_cursor, scored, queued = BLOCKS[run.phase](run, run.cursor or None)
            run.blocks_done += 1
            run.pairs_scored += scored
            run.pairs_queued += queued
            run.seconds += time.monotonic() - t0
            if next_cursor is None:
                index = PHASES.index(run.phase)
                if index + 1 < len(PHASES):
                    run.phase, run.cursor = PHASES[index + 1], ""
                else:
                    _finish(run)
            else:
                run.cursor = next_cursor
            run.lease_until = timezone.now() + timedelta(seconds=seconds + 120)
            run.save()
        if run.status == DuplicateReviewRun.Status.FINISHED:
            break
        if time.monotonic() - started >= seconds:
            break  # at least one block per step, then stop when the time is up
    if run.status != DuplicateReviewRun.Status.FINISHED:
        DuplicateReviewRun.objects.filter(pk=run.pk).update(lease_until=None)
    return run


def _finish(run):
    # Open pairs this run did not find again no longer look alike (edited, merged away).
    DuplicatePair.objects.filter(status=DuplicatePair.Status.OPEN).exclude(run=run).delete()
    DuplicatePair.objects.filter(status=DuplicatePair.Status.OPEN).filter(
        Q(citizen_a__status=Citizen.Status.MERGED) | Q(citizen_b__status=Citizen.Status.MERGED)
    ).delete()
    run.status = DuplicateReviewRun.Status.FINISHED
    run.finished_at = timezone.now()
    run.lease_until = None


def review_run_all(*, seconds_per_step: float = 240.0) -> DuplicateReviewRun | None:
    """Run a whole review in this process (management command, tests, the benchmark)."""
    review_start(force=True)
    run = None
    while True:
        step = review_step(seconds=seconds_per_step)
        if step is None:
            return run
        run = step
        if run.status == DuplicateReviewRun.Status.FINISHED:
            return run


def pairs_queue(pairs) -> int:
    """Score these pairs now and put those in a band in the review queue (for records an import
    or an account sync created next to a similar one); returns how many were queued."""
    pairs = {tuple(sorted(p)) for p in pairs if p[0] != p[1]}
    if not pairs:
        return 0
    ids = {i for p in pairs for i in p}
    return _score_and_store(None, pairs, records_for_ids(ids))[1]
