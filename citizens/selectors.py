"""Reads of the citizen register. Other apps use citizen_get, citizen_search (re-exported from
citizens.search) and citizen_contact_prompts."""

from datetime import timedelta

import jellyfish
from django.db.models import Prefetch, Q
from django.db.models.functions import Lower
from django.utils import timezone

from citizens.models import (
    Address,
    AssistanceFlag,
    Citizen,
    CitizenChange,
    EmailAddress,
    NotDuplicate,
    Note,
    PhoneNumber,
)
from citizens.normalise import name_tokens, token_keys
from citizens.search import citizen_search  # noqa: F401  (part of this module's interface)

CONFIRM_EVERY_DAYS = 365


def citizen_get(*, pk) -> Citizen:
    """The citizen with this id, following merge pointers to the record that survived."""
    citizen = Citizen.objects.get(pk=pk)
    seen = {citizen.pk}
    while citizen.merged_into_id and citizen.merged_into_id not in seen:
        seen.add(citizen.merged_into_id)
        citizen = Citizen.objects.get(pk=citizen.merged_into_id)
    return citizen


def citizen_detail(*, pk) -> Citizen:
    """One citizen with everything the record page shows, in a fixed number of queries."""
    return (
        Citizen.objects.select_related("merged_into", "created_by")
        .prefetch_related(
            "addresses",
            "emails",
            "phones",
            Prefetch(
                "assistance_flags",
                queryset=AssistanceFlag.objects.filter(active=True),
                to_attr="active_flags",
            ),
        )
        .get(pk=pk)
    )


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


def note_get(*, citizen, pk, user) -> Note:
    return citizen_notes(citizen=citizen, user=user).get(pk=pk)


# --- duplicates ----------------------------------------------------------------------------


def names_similar(a: str, b: str) -> bool:
    """Same or near-same word: equal, one typo, sounds alike or swapped letters."""
    if not a or not b:
        return False
    if a == b:
        return True
    if set(token_keys(a)) & set(token_keys(b)):
        return True
    return len(a) > 3 and jellyfish.damerau_levenshtein_distance(a, b) <= 1


def _person_similar(first_a, last_a, first_b, last_b) -> bool:
    fa, la, fb, lb = (" ".join(name_tokens(x)) for x in (first_a, last_a, first_b, last_b))
    straight = names_similar(la, lb) and (not fa or not fb or names_similar(fa, fb))
    swapped = bool(fa and fb) and names_similar(fa, lb) and names_similar(la, fb)
    return straight or swapped


def duplicate_candidates(
    *,
    first_name="",
    last_name="",
    date_of_birth=None,
    email="",
    phone="",
    postcode="",
    line_1="",
    exclude_id=None,
    limit=10,
):
    """Existing active records that are probably this person, each with `.match_reasons`.

    A shared common name alone never counts: a match needs the same email or phone, or a
    similar name together with the same date of birth or the same address.
    """
    reasons: dict[int, list[str]] = {}

    def add(ids, reason):
        for pk in ids:
            if pk != exclude_id:
                reasons.setdefault(pk, [])
                if reason not in reasons[pk]:
                    reasons[pk].append(reason)

    active = Citizen.objects.filter(status=Citizen.Status.ACTIVE)
    if email:
        add(
            EmailAddress.objects.annotate(e=Lower("email"))
            .filter(e=email.strip().lower(), citizen__status=Citizen.Status.ACTIVE)
            .values_list("citizen_id", flat=True),
            "Same email address",
        )
    if phone:
        add(
            PhoneNumber.objects.filter(
                number=phone, citizen__status=Citizen.Status.ACTIVE
            ).values_list("citizen_id", flat=True),
            "Same phone number",
        )
    if date_of_birth and last_name:
        rows = active.filter(date_of_birth=date_of_birth).values_list(
            "id", "first_name", "last_name"
        )[:2000]
        add(
            [pk for pk, f, n in rows if _person_similar(first_name, last_name, f, n)],
            "Similar name and same date of birth",
        )
    if postcode and last_name:
        compact = postcode.replace(" ", "").upper()
        rows = Address.objects.filter(
            postcode_compact=compact, citizen__status=Citizen.Status.ACTIVE
        ).values_list("citizen_id", "line_1", "citizen__first_name", "citizen__last_name")[:2000]
        for pk, line, f, n in rows:
            if not _person_similar(first_name, last_name, f, n):
                continue
            same_line = line_1 and name_tokens(line)[:2] == name_tokens(line_1)[:2]
            add(
                [pk],
                "Similar name at the same address" if same_line else "Similar name, same postcode",
            )
    if not reasons:
        return []
    citizens = list(
        Citizen.objects.filter(id__in=list(reasons)[: limit * 3]).prefetch_related(
            Prefetch(
                "addresses", queryset=Address.objects.filter(is_current=True), to_attr="current"
            ),
            "emails",
            "phones",
        )
    )
    for c in citizens:
        c.match_reasons = reasons[c.id]
    # A similar name at a different postcode alone is weak; rank by how much matched.
    citizens.sort(key=lambda c: (-len(c.match_reasons), c.last_name, c.id))
    return [
        c
        for c in citizens
        if c.match_reasons != ["Similar name, same postcode"] or len(citizens) < limit
    ][:limit]


def citizen_duplicates(*, citizen, limit=10):
    address = next((a for a in citizen.addresses.all() if a.is_current), None)
    email = next(iter(citizen.emails.all()), None)
    phone = next(iter(citizen.phones.all()), None)
    return duplicate_candidates(
        first_name=citizen.first_name,
        last_name=citizen.last_name,
        date_of_birth=citizen.date_of_birth,
        email=email.email if email else "",
        phone=phone.number if phone else "",
        postcode=address.postcode if address else "",
        line_1=address.line_1 if address else "",
        exclude_id=citizen.id,
        limit=limit,
    )


def probable_duplicates(*, limit=50, after_id=0):
    """Pairs in the register that look like one person (similar name and same date of birth).

    Scans people sharing a date of birth in id order from `after_id`, so a reviewer can page
    through a large register; pairs marked "not the same person" are left out.
    """
    dismissed = {
        (a, b) for a, b in NotDuplicate.objects.values_list("citizen_a_id", "citizen_b_id")
    }
    pairs = []
    scanned_to = after_id
    chunk = (
        Citizen.objects.filter(status=Citizen.Status.ACTIVE, id__gt=after_id)
        .exclude(date_of_birth=None)
        .order_by("id")
        .values_list("id", "date_of_birth")[:2000]
    )
    chunk = list(chunk)
    if not chunk:
        return [], None
    dobs = {dob for _pk, dob in chunk}
    people = list(
        Citizen.objects.filter(status=Citizen.Status.ACTIVE, date_of_birth__in=dobs).values_list(
            "id", "first_name", "last_name", "date_of_birth"
        )
    )
    by_dob: dict = {}
    for row in people:
        by_dob.setdefault(row[3], []).append(row)
    chunk_ids = {pk for pk, _dob in chunk}
    for pk, _dob in chunk:
        scanned_to = pk
        me = next(r for r in by_dob[_dob] if r[0] == pk)
        for other in by_dob[_dob]:
            if other[0] <= pk and other[0] in chunk_ids:
                continue
            a, b = sorted((pk, other[0]))
            if a == b or (a, b) in dismissed:
                continue
            if _person_similar(me[1], me[2], other[1], other[2]):
                pairs.append((a, b))
        if len(pairs) >= limit:
            break
    ids = {i for pair in pairs for i in pair}
    found = results_by_id(ids)
    return [(found[a], found[b]) for a, b in dict.fromkeys(pairs) if a in found and b in found], (
        scanned_to if len(chunk) == 2000 or len(pairs) >= limit else None
    )


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
