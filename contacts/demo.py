"""Demo contact history: about three contacts per citizen over the last 90 days, in bulk.

Shaped like a council contact centre's demand: mostly phone, busiest on Monday mornings and
after lunch, quiet at weekends; a fifth avoidable (chasing progress, unclear letters…), most
resolved at first contact, a few signposted to partners, and some anonymous reports. A couple
of contacts closed by the job wait for the demo agent to complete them. Deterministic for a
given ctx.rng; no per-row services, so a million citizens take minutes.
"""

import bisect
import itertools
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from citizens.models import Citizen
from contacts.models import (
    AvoidableReason,
    Channel,
    Contact,
    ContactType,
    Outcome,
    PartnerOrganisation,
    ReportDay,
)
from organisation.models import Location

BATCH = 5000
DAYS = 90
PER_CITIZEN = 3

CHANNEL_WEIGHTS = {
    "phone": 55,
    "face_to_face": 14,
    "email": 12,
    "webchat": 12,
    "social_media": 3,
    "letter": 4,
}
# Monday..Sunday
WEEKDAY_WEIGHTS = [24, 20, 19, 18, 15, 3, 1]
# 00..23: opening hours 8–18, peaks mid-morning and after lunch, a trickle of digital out of hours.
HOUR_WEIGHTS = [1, 0, 0, 0, 0, 0, 1, 2, 8, 16, 15, 12, 10, 13, 12, 10, 8, 5, 2, 2, 2, 1, 1, 1]
AREA_WEIGHTS = {
    "Waste Management": 28,
    "Council Tax": 24,
    "Benefits": 14,
    "Housing": 10,
    "Highways": 8,
    "Environmental Health": 6,
    "Licensing": 5,
    "Planning": 5,
}
OUTCOME_WEIGHTS = {
    "resolved": 50,
    "request_raised": 20,
    "referred_to_service": 11,
    "signposted": 8,
    "call_back_required": 11,
}
AVOIDABLE_SHARE = 0.2
FCR_BY_OUTCOME = {"resolved": 0.97, "signposted": 0.85, "request_raised": 0.1}
ANONYMOUS_SHARE = 0.06


class _Weighted:
    """Fast weighted choice from a fixed table (random.choices recomputes sums every call)."""

    def __init__(self, items, weights):
        self.items = list(items)
        self.cumulative = list(itertools.accumulate(weights))
        self.total = self.cumulative[-1]

    def pick(self, rng):
        return self.items[bisect.bisect_right(self.cumulative, rng.random() * self.total)]


def seed(ctx):
    # Bulk inserts bypass the services that keep the Reports summary current: drop it so the
    # next report recounts (it is rebuilt on first use).
    ReportDay.objects.all().delete()
    citizen_ids = list(Citizen.objects.order_by("pk").values_list("pk", flat=True))
    if not citizen_ids:
        return
    rng = ctx.rng
    staff = [s for k, s in ctx.staff.items() if k in ("agent", "reception", "teamleader")]
    if not staff:
        ctx.log("  contacts: no demo staff, skipped")
        return
    agent_by_kind = {
        "face_to_face": [s for k, s in ctx.staff.items() if k == "reception"] or staff,
        "other": [s for k, s in ctx.staff.items() if k in ("agent", "teamleader")] or staff,
    }
    channels = {c.code: c for c in Channel.objects.all()}
    channel_pick = _Weighted(
        [channels[c] for c in CHANNEL_WEIGHTS if c in channels],
        [w for c, w in CHANNEL_WEIGHTS.items() if c in channels],
    )
    locations = list(Location.objects.active())
    centre = next((loc for loc in locations if loc.kind == "contact_centre"), locations[0])
    remote = next((loc for loc in locations if loc.kind == "remote"), centre)
    desks = [loc for loc in locations if loc.kind in ("reception", "community_hub")] or [centre]
    desk_pick = _Weighted(desks, [3 if d.kind == "reception" else 1 for d in desks])

    types_by_area = {}
    for kind in ContactType.objects.active().select_related("service_area"):
        types_by_area.setdefault(kind.service_area, []).append(kind)
    areas = list(types_by_area)
    area_pick = _Weighted(areas, [AREA_WEIGHTS.get(a.name, 3) for a in areas])
    outcomes = {o.code: o for o in Outcome.objects.all()}
    outcome_pick = _Weighted(
        [outcomes[c] for c in OUTCOME_WEIGHTS if c in outcomes],
        [w for c, w in OUTCOME_WEIGHTS.items() if c in outcomes],
    )
    reasons = list(AvoidableReason.objects.active())
    partners = list(PartnerOrganisation.objects.active())
    weekday_pick = _Weighted(range(7), WEEKDAY_WEIGHTS)
    hour_pick = _Weighted(range(24), HOUR_WEIGHTS)

    today = timezone.localdate()
    days_by_weekday = {w: [] for w in range(7)}
    for back in range(1, DAYS + 1):
        day = today - timedelta(days=back)
        days_by_weekday[day.weekday()].append(day)
    tz = timezone.get_current_timezone()

    def started_at():
        day = rng.choice(days_by_weekday[weekday_pick.pick(rng)])
        moment = datetime.combine(day, time(hour_pick.pick(rng), rng.randrange(60)))
        return timezone.make_aware(moment + timedelta(seconds=rng.randrange(60)), tz)

    total = len(citizen_ids) * PER_CITIZEN
    made = 0
    while made < total:
        size = min(BATCH, total - made)
        rows, signposted = [], []
        for _ in range(size):
            channel = channel_pick.pick(rng)
            face_to_face = channel.code == "face_to_face"
            if face_to_face:
                location = desk_pick.pick(rng)
                agent = rng.choice(agent_by_kind["face_to_face"])
            else:
                location = remote if rng.random() < 0.2 else centre
                agent = rng.choice(agent_by_kind["other"])
            area = area_pick.pick(rng)
            outcome = outcome_pick.pick(rng)
            avoidable = rng.random() < AVOIDABLE_SHARE
            start = started_at()
            minutes = rng.randint(5, 25) if face_to_face else rng.randint(2, 14)
            anonymous = rng.random() < ANONYMOUS_SHARE
            rows.append(
                Contact(
                    citizen_id=None if anonymous else rng.choice(citizen_ids),
                    agent_id=agent.pk,
                    channel=channel,
                    location=location,
                    status=Contact.Status.ENDED,
                    started_at=start,
                    ended_at=start + timedelta(minutes=minutes, seconds=rng.randrange(60)),
                    service_area=area,
                    contact_type=rng.choice(types_by_area[area]),
                    outcome=outcome,
                    avoidable=avoidable,
                    avoidable_reason=rng.choice(reasons) if avoidable and reasons else None,
                    resolved_at_first_contact=rng.random() < FCR_BY_OUTCOME.get(outcome.code, 0.3),
                )
            )
            signposted.append(outcome.code == "signposted")
        with transaction.atomic():
            created = Contact.objects.bulk_create(rows)
            links = [
                Contact.partners.through(
                    contact_id=contact.pk, partnerorganisation_id=rng.choice(partners).pk
                )
                for contact, flag in zip(created, signposted, strict=True)
                if flag and partners and contact.pk
            ]
            Contact.partners.through.objects.bulk_create(links)
        made += size
        if total >= 150_000 and made % 150_000 < BATCH:
            ctx.log(f"  contacts: {made:,} of {total:,}")

    _needing_review(ctx, channels, centre, outcomes, citizen_ids[:2])
    ctx.log(f"  contacts: {total:,} created over the last {DAYS} days")


def _needing_review(ctx, channels, centre, outcomes, citizen_ids):
    """Two calls the demo agent never ended, closed by the job, for the "to complete" list."""
    agent = ctx.staff.get("agent")
    if agent is None or "not_recorded" not in outcomes or "phone" not in channels:
        return
    now = timezone.now()
    Contact.objects.bulk_create(
        Contact(
            citizen_id=citizen_id,
            agent_id=agent.pk,
            channel=channels["phone"],
            location=centre,
            status=Contact.Status.AUTO_CLOSED,
            started_at=now - timedelta(days=days, hours=3),
            ended_at=now - timedelta(days=days),
            outcome=outcomes["not_recorded"],
            needs_review=True,
        )
        for days, citizen_id in zip((1, 2), citizen_ids, strict=False)
    )
