"""Reads of the citizen register. Other apps use citizen_get, citizen_search (re-exported from
citizens.search) and citizen_contact_prompts."""

from datetime import timedelta

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone

from citizens.matching import match_candidates, records_for_ids, score_pair
from citizens.models import (
    Address,
    AssistanceFlag,
    Citizen,
    CitizenChange,
    DuplicatePair,
    DuplicateReviewRun,
    EmailAddress,
    Note,
    PhoneNumber,
)
from citizens.search import (
    citizen_search,  # noqa: F401  (part of this module's interface)
    pg_citizens_with_related,
)

# What the record page shows of a citizen's own lists (citizen_detail): {attribute: (model,
# condition)}, as its prefetch_related on SQLite.
DETAIL_RELATED = {
    "addresses": (Address, ""),
    "emails": (EmailAddress, ""),
    "phones": (PhoneNumber, ""),
    "active_flags": (AssistanceFlag, "active"),
}

CONFIRM_EVERY_DAYS = 365


def citizen_get(*, pk) -> Citizen:
    """The citizen with this id, following merge pointers to the record that survived."""
    citizen = Citizen.objects.get(pk=pk)
    seen = {citizen.pk}
    while citizen.merged_into_id and citizen.merged_into_id not in seen:
        seen.add(citizen.merged_into_id)
        citizen = Citizen.objects.get(pk=citizen.merged_into_id)
    return citizen


def citizen_detail(*, pk, related=True) -> Citizen:
    """One citizen with everything the record page shows, in a fixed number of queries.
    `related=False`: the citizen's own row alone (a tab of the record loaded on its own shows
    none of their addresses, emails, phones, flags or merges)."""
    from citizens.models import MergeRecord

    if not related:
        return Citizen.objects.get(pk=pk)
    merges = MergeRecord.objects.filter(Q(survivor=OuterRef("pk")) | Q(merged=OuterRef("pk")))
    # Whether there are merges to list, so most records skip that query.
    citizen = Citizen.objects.annotate(has_merges=Exists(merges))
    if connection.vendor == "postgresql":
        # The row and its four lists in one round trip instead of five.
        table = MergeRecord._meta.db_table
        found = pg_citizens_with_related(
            [pk],
            related=DETAIL_RELATED,
            annotations={
                "has_merges": f"EXISTS (SELECT FROM {table} m "
                "WHERE m.survivor_id = c.id OR m.merged_id = c.id)"
            },
        )
        if not found:
            raise Citizen.DoesNotExist(f"No citizen {pk}")
        return found[0]
    return citizen.prefetch_related(
        "addresses",
        "emails",
        "phones",
        Prefetch(
            "assistance_flags",
            queryset=AssistanceFlag.objects.filter(active=True),
            to_attr="active_flags",
        ),
    ).get(pk=pk)


def _stale(confirmed_at, now) -> bool:
    return confirmed_at is None or confirmed_at < now - timedelta(days=CONFIRM_EVERY_DAYS)


def citizen_contact_prompts(*, citizen) -> list[str]:
    """Plain-words prompts for the agent: missing or unconfirmed email/mobile, active flags."""
    now = timezone.now()
    prompts = []
    emails = list(citizen.emails.all())
    mobiles = [p for p in citizen.phones.all() if p.kind == PhoneNumber.Kind.MOBILE]
    if not emails:
        prompts.append("No email address: ask for one.")
    elif all(_stale(e.confirmed_at, now) for e in emails):
        prompts.append(f"Confirm the email address is still {emails[0].email}.")
    if not mobiles:
        prompts.append("No mobile number: ask for one.")
    elif all(_stale(p.confirmed_at, now) for p in mobiles):
        prompts.append(f"Confirm the mobile number is still {mobiles[0]}.")
    flags = getattr(citizen, "active_flags", None)
    if flags is None:
        flags = citizen.assistance_flags.filter(active=True)
    for flag in flags:
        text = f"Assistance: {flag.get_kind_display()}"
        if flag.note:
            text += f" – {flag.note}"
        if flag.review_date and flag.review_date < now.date():
            text += " (review overdue)"
        prompts.append(text + ".")
    return prompts


def citizen_changes(*, citizen, limit=50):
    return CitizenChange.objects.filter(citizen=citizen).select_related("changed_by")[:limit]


def citizen_notes(*, citizen, user):
    """Notes newest first; sensitive ones only for staff allowed to see them."""
    qs = Note.objects.filter(citizen=citizen).select_related("author", "service_area", "corrects")
    if not user.has_perm("citizens.view_sensitive_note"):
        qs = qs.filter(sensitive=False)
    return qs


def citizen_hidden_note_count(*, citizen, user) -> int:
    """How many sensitive notes this member of staff may not read (so the page can say so)."""
    if user.has_perm("citizens.view_sensitive_note"):
        return 0
    return Note.objects.filter(citizen=citizen, sensitive=True).count()


def citizen_notes_shown(*, citizen, user, limit=20) -> tuple[list[Note], int]:
    """The newest `limit` notes this member of staff may read and how many sensitive ones they
    may not (citizen_notes, citizen_hidden_note_count) in one query; two when they may read
    none of the citizen's notes."""
    notes = citizen_notes(citizen=citizen, user=user)
    if user.has_perm("citizens.view_sensitive_note"):
        return list(notes[:limit]), 0
    hidden = (
        Note.objects.filter(citizen=citizen, sensitive=True)
        .order_by()
        .values("citizen")
        .annotate(n=Count("id"))
        .values("n")
    )
    shown = list(notes.annotate(hidden_count=Subquery(hidden))[:limit])
    if not shown:
        return [], citizen_hidden_note_count(citizen=citizen, user=user)
    return shown, shown[0].hidden_count or 0


def note_get(*, citizen, pk, user) -> Note:
    return citizen_notes(citizen=citizen, user=user).get(pk=pk)


# --- duplicates ----------------------------------------------------------------------------


def duplicate_candidates(*, exclude_id=None, limit=10, **values):
    """Active records that may be this person, best first, from the matcher.

    `values` are CitizenForm field values (first_name, last_name, date_of_birth, email,
    phone, address_line_1, postcode, uprn, ...). Each citizen returned carries `.match`
    (citizens.matching.Match) and, for templates and the API, `.match_reasons`, `.score`,
    `.band` and `.match_summary`. Only "possible" and stronger matches are returned.
    """
    matches = match_candidates(
        person=values, exclude_ids=[exclude_id] if exclude_id else (), limit=limit
    )
    return _with_matches(matches)


def _with_matches(matches):
    found = results_by_id([m.citizen_id for m in matches])
    out = []
    for m in matches:
        c = found.get(m.citizen_id)
        if c is None:
            continue
        c.match = m
        c.match_reasons = m.reasons
        c.score = m.score
        c.band = m.band
        c.match_summary = m.summary
        out.append(c)
    return out


def citizen_duplicates(*, citizen, limit=10):
    """Records that may be the same person as this stored citizen (not those ruled out)."""
    return _with_matches(match_candidates(person=citizen, limit=limit))


def duplicate_queue(*, band="", status="open"):
    """The register review's pairs, strongest first, both records still active.

    band: "certain", "probable", "possible", "all"; "" (the default) is certain and probable.
    """
    qs = DuplicatePair.objects.filter(
        citizen_a__status=Citizen.Status.ACTIVE, citizen_b__status=Citizen.Status.ACTIVE
    )
    if status:
        qs = qs.filter(status=status)
    if band == "all":
        pass
    elif band:
        qs = qs.filter(band=band)
    else:
        qs = qs.filter(band__in=["certain", "probable"])
    return qs.order_by("-score", "id")


def duplicate_pairs_with_citizens(pairs):
    """Attach `.first` and `.second` (the citizens, as the page shows them) in fixed queries."""
    pairs = list(pairs)
    found = results_by_id({i for p in pairs for i in (p.citizen_a_id, p.citizen_b_id)})
    for p in pairs:
        p.first, p.second = found.get(p.citizen_a_id), found.get(p.citizen_b_id)
        p.both = [p.first, p.second]
    return [p for p in pairs if p.first and p.second]


def duplicate_review_latest():
    """The latest register review run (running or finished), or None."""
    return DuplicateReviewRun.objects.order_by("-id").first()


def citizen_pair_match(*, a, b):
    """The matcher's score and reasons for two stored records (for the compare page)."""
    records = records_for_ids([a.pk, b.pk])
    if a.pk not in records or b.pk not in records:
        return None
    return score_pair(records[a.pk], records[b.pk])


def duplicate_pair_for(*, a, b):
    lo, hi = sorted([a.pk, b.pk])
    return DuplicatePair.objects.filter(citizen_a_id=lo, citizen_b_id=hi).first()


def results_by_id(ids):
    return {
        c.id: c
        for c in Citizen.objects.filter(id__in=ids).prefetch_related(
            Prefetch(
                "addresses", queryset=Address.objects.filter(is_current=True), to_attr="current"
            ),
            "emails",
            "phones",
        )
    }


def merge_records(*, citizen):
    from citizens.models import MergeRecord

    return MergeRecord.objects.filter(Q(survivor=citizen) | Q(merged=citizen)).select_related(
        "survivor", "merged", "merged_by"
    )
