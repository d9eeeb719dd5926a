"""Demo processes (with stages, SLAs, actions and message templates) and requests at every stage,
some breached. Requests are bulk-inserted with their stage history; deterministic from ctx.rng."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from citizens.models import Address, Citizen
from contacts.models import Channel, ContactType
from core.sequences import sequence_take
from notifications.models import MessageTemplate
from organisation.models import ServiceArea, Team
from requests_tracking.models import Process, Request, Stage, StageAction, StageVisit
from requests_tracking.services.dates import OVERDUE_STAGE_SECONDS
from requests_tracking.sla import AT_RISK_SHARE, stage_sla_seconds
from requests_tracking.working_time import add_working_seconds, working_seconds_between

# code, name, service area, contact type, stages: (name, citizen description, SLA, unit, pauses)
PROCESSES = [
    (
        "missed-bin",
        "Missed bin collection",
        "Waste Management",
        "Missed bin",
        [
            (
                "Reported",
                "We have your report and will check the crew's records.",
                1,
                "days",
                False,
            ),
            ("Crew returning", "A crew will come back to empty the bin.", 2, "days", False),
        ],
    ),
    (
        "bulky-waste",
        "Bulky waste collection",
        "Waste Management",
        "Bulky waste collection",
        [
            ("Booking checked", "We check the items and the collection address.", 2, "days", True),
            ("Collection booked", "A collection date is booked with the crew.", 5, "days", False),
            ("Collected", "The crew collect the items and confirm it is done.", 1, "days", False),
        ],
    ),
    (
        "fly-tipping",
        "Fly-tipping report",
        "Waste Management",
        "Fly-tipping report",
        [
            (
                "Investigating",
                "An officer visits the site and looks for evidence.",
                3,
                "days",
                False,
            ),
            ("Clearance", "The waste is cleared from the site.", 5, "days", False),
        ],
    ),
    (
        "pothole",
        "Pothole report",
        "Highways",
        "Pothole",
        [
            (
                "Inspection",
                "An inspector measures the pothole and sets a priority.",
                2,
                "days",
                False,
            ),
            ("Repair scheduled", "The repair is booked with our contractor.", 10, "days", False),
            ("Repaired", "The repair is done and checked.", 2, "days", False),
        ],
    ),
    (
        "ctax-change-of-address",
        "Council tax change of address",
        "Council Tax",
        "Change of address",
        [
            ("Checking details", "We check the move dates and the new address.", 5, "days", True),
            ("New bill", "We work out the new bill and send it to you.", 5, "days", False),
        ],
    ),
    (
        "benefits-change",
        "Benefits change of circumstances",
        "Benefits",
        "Change of circumstances",
        [
            ("Evidence needed", "We ask for any evidence of the change.", 5, "days", True),
            ("Assessment", "An assessor works out the effect on your benefit.", 10, "days", True),
            ("Decision sent", "We send you our decision letter.", 2, "days", False),
        ],
    ),
    (
        "taxi-licence-renewal",
        "Taxi licence renewal",
        "Licensing",
        "Taxi licence",
        [
            ("Application check", "We check the application and documents.", 5, "days", True),
            (
                "DBS and medical",
                "We check the DBS certificate and medical report.",
                15,
                "days",
                True,
            ),
            ("Licence issued", "The licence is printed and sent.", 3, "days", False),
        ],
    ),
]

TEMPLATES = {
    "Stage entered (citizen)": (
        "Your request {{ reference }}: {{ stage }}",
        "Dear {{ citizen_name }},\n\nYour request {{ reference }} ({{ process }}) has reached "
        "the stage '{{ stage }}'. {{ stage_description }}\n\nWe expect to finish by "
        "{{ estimated_completion }}. See its progress at {{ tracking_url }}\n\n{{ council_name }}",
        "{{ council_name }}: your request {{ reference }} is now at '{{ stage }}'. "
        "Expected completion {{ estimated_completion }}. {{ tracking_url }}",
    ),
    "SLA at risk (officer)": (
        "At risk: {{ reference }} {{ process }}",
        "Request {{ reference }} ({{ process }}) at stage '{{ stage }}' is due on {{ due_date }} "
        "and has used most of its time.",
        "",
    ),
    "SLA breached (team)": (
        "Breached: {{ reference }} {{ process }}",
        "Request {{ reference }} ({{ process }}) at stage '{{ stage }}' is past its due date.",
        "",
    ),
    "Resolved (citizen)": (
        "Your request {{ reference }} is resolved",
        "Dear {{ citizen_name }},\n\nYour request {{ reference }} ({{ process }}) is resolved. "
        "It will close automatically in a few days.\n\n{{ council_name }}",
        "{{ council_name }}: your request {{ reference }} is resolved.",
    ),
    "Work order (contractor)": (
        "Work order {{ reference }}",
        "Please carry out: {{ process }} at stage '{{ stage }}', request {{ reference }}, due "
        "{{ due_date }}.",
        "",
    ),
}


# What residents actually say, per process, so every request makes sense for its process.
DESCRIPTIONS = {
    "missed-bin": [
        "Grey bin not emptied on collection day; it was out by 7am.",
        "Recycling bin missed again, the rest of the street was done.",
        "Green garden waste bin left full after the round.",
        "Bin was emptied but left in the middle of the pavement.",
    ],
    "bulky-waste": [
        "Two-seater sofa and an armchair to collect from the front garden.",
        "Old fridge freezer and a single mattress, by the side gate.",
        "Wardrobe taken apart into panels, left by the garage.",
        "Washing machine and three dining chairs.",
    ],
    "fly-tipping": [
        "Black bags and a broken chair dumped at the end of the back lane.",
        "Builders' rubble and plasterboard left by the recycling bank.",
        "Mattress and carpet dumped on the grass verge overnight.",
        "Tyres dumped in the lay-by near the bus stop.",
    ],
    "pothole": [
        "Deep pothole in the nearside lane, about 30 cm across.",
        "Pothole by the drain outside the school; cyclists are swerving round it.",
        "Several potholes at the junction, one filled with water.",
        "Road surface breaking up near the speed bump.",
    ],
    "ctax-change-of-address": [
        "Moving out on the 28th; new address is in Dewsbury.",
        "Moved into the property last week with a partner; first bill needed.",
        "Sold the house, completion date given on the phone.",
        "Moving in with family; asked how the single person discount is affected.",
    ],
    "benefits-change": [
        "Partner has moved in; both now working part time.",
        "Started a new job, 20 hours a week from Monday.",
        "Eldest son has left home for university.",
        "Rent going up from next month; new tenancy agreement to send.",
    ],
    "taxi-licence-renewal": [
        "Hackney carriage driver licence due to expire next month.",
        "Private hire driver renewal; DBS certificate already applied for.",
        "Renewal with a new medical report from the GP.",
        "Private hire renewal; asked about the knowledge test.",
    ],
}
PLACE_BASED = {"missed-bin", "bulky-waste", "fly-tipping", "pothole"}


def _processes():
    templates = {}
    for name, (subject, body, sms) in TEMPLATES.items():
        templates[name], _ = MessageTemplate.objects.get_or_create(
            name=name, defaults={"subject": subject, "body": body, "sms_body": sms}
        )
    processes = []
    for code, name, area_name, type_name, stages in PROCESSES:
        area = ServiceArea.objects.filter(name=area_name).first()
        if area is None:
            continue
        existing = Process.objects.filter(code=code, is_current=True).first()
        if existing is not None:
            processes.append(existing)
            continue
        process = Process.objects.create(
            code=code,
            name=name,
            service_area=area,
            default_team=Team.objects.filter(service_area=area).first(),
            description=stages[0][1],
        )
        process.contact_types.set(ContactType.objects.filter(service_area=area, name=type_name))
        for order, (stage_name, text, amount, unit, pauses) in enumerate(stages, start=1):
            stage = Stage.objects.create(
                process=process,
                order=order,
                name=stage_name,
                citizen_description=text,
                sla_amount=amount,
                sla_unit=unit,
                pauses_while_waiting=pauses,
            )
            StageAction.objects.create(
                stage=stage,
                trigger=StageAction.Trigger.ENTER,
                recipient=StageAction.Recipient.CITIZEN,
                template=templates["Stage entered (citizen)"],
            )
            StageAction.objects.create(
                stage=stage,
                trigger=StageAction.Trigger.SHARE,
                share_percent=80,
                recipient=StageAction.Recipient.OFFICER,
                template=templates["SLA at risk (officer)"],
            )
            StageAction.objects.create(
                stage=stage,
                trigger=StageAction.Trigger.BREACH,
                recipient=StageAction.Recipient.TEAM,
                template=templates["SLA breached (team)"],
            )
            if order == len(stages):
                StageAction.objects.create(
                    stage=stage,
                    trigger=StageAction.Trigger.RESOLVE,
                    recipient=StageAction.Recipient.CITIZEN,
                    template=templates["Resolved (citizen)"],
                )
        if code == "pothole":
            StageAction.objects.create(
                stage=process.stages.get(order=2),
                trigger=StageAction.Trigger.ENTER,
                recipient=StageAction.Recipient.CONTRACTOR,
                contractor_email="works@highways-contractor.example",
                template=templates["Work order (contractor)"],
            )
        processes.append(process)
    return processes


def seed(ctx):
    processes = _processes()
    if not processes:
        return
    total = max(60, ctx.citizens // 4)
    rng = ctx.rng
    now = timezone.now()
    citizen_ids = list(Citizen.objects.order_by("pk").values_list("pk", flat=True)[:50000])
    addresses = {
        a["citizen_id"]: a
        for a in Address.objects.filter(is_current=True, citizen_id__in=citizen_ids).values(
            "citizen_id", "line_1", "postcode", "uprn"
        )
    }
    channels = list(Channel.objects.all())
    officers = [s for s in ctx.staff.values() if s.username in ("officer", "teamleader")]
    for officer in officers:
        officer.demo_area_ids = set(officer.service_areas.values_list("pk", flat=True))
    stages = {p.pk: list(p.stages.all()) for p in processes}
    year = timezone.localtime(now).year
    refs = iter(sequence_take(name=f"request-{year}", count=total))
    descriptions = DESCRIPTIONS
    batch_size = 2000
    made = 0
    while made < total:
        size = min(batch_size, total - made)
        with transaction.atomic():
            requests, plans = [], []
            for _ in range(size):
                process = rng.choice(processes)
                citizen_id = (
                    rng.choice(citizen_ids) if citizen_ids and rng.random() < 0.9 else None
                )
                place = {"line_1": "", "postcode": "", "uprn": ""}
                if process.code in PLACE_BASED:
                    place = addresses.get(citizen_id) or place
                created = now - timedelta(days=rng.randint(0, 40), minutes=rng.randint(0, 600))
                plan = _walk(rng, stages[process.pk], created, now)
                status = plan["status"]
                request = Request(
                    reference=f"REQ-{year}-{next(refs):06d}",
                    citizen_id=citizen_id,
                    process=process,
                    current_stage=plan["visits"][-1][0],
                    status=status,
                    description=rng.choice(descriptions[process.code]),
                    channel=rng.choice(channels) if channels else None,
                    address_line_1=place["line_1"],
                    postcode=place["postcode"],
                    postcode_compact=place["postcode"].replace(" ", ""),
                    uprn=place["uprn"],
                    service_area_id=process.service_area_id,
                    team_id=process.default_team_id,
                    assigned_to=_officer_for(rng, officers, process),
                    due_at=plan["due_at"],
                    overall_breached_at=plan["overall_breached_at"],
                    breached_at=plan["breached_at"],
                    estimated_completion_at=plan["estimate"],
                    sla_state=plan["sla_state"],
                    next_check_at=plan["next_check_at"],
                    waiting_since=plan["waiting_since"],
                    status_reason="Waiting for a contractor" if status == "on_hold" else "",
                    resolution="Done" if status in ("resolved", "closed") else "",
                    resolved_at=plan["resolved_at"],
                    closed_at=plan["closed_at"],
                    created_by=officers[0] if officers else None,
                )
                requests.append(request)
                plans.append(plan)
            Request.objects.bulk_create(requests)
            visits = []
            for request, plan in zip(requests, plans, strict=True):
                for stage, entered, due, left, exit in plan["visits"]:
                    visits.append(
                        StageVisit(
                            request=request,
                            stage=stage,
                            entered_at=entered,
                            due_at=due,
                            left_at=left,
                            exit=exit,
                            working_seconds=None
                            if left is None
                            else working_seconds_between(entered, left),
                            sla_met=None if left is None else left <= due,
                        )
                    )
            StageVisit.objects.bulk_create(visits)
            last = {v.request_id: v for v in visits}
            for request, plan in zip(requests, plans, strict=True):
                request.current_visit = last[request.pk]
                request.created_at = plan["created"]  # auto_now_add: keep the story's dates
            Request.objects.bulk_update(requests, ["current_visit", "created_at"])
        made += size
    ctx.log(f"  requests: {total} requests over {len(processes)} processes")


def _officer_for(rng, officers, process):
    """Most requests are assigned, only ever to staff who work that service area."""
    able = [o for o in officers if process.service_area_id in o.demo_area_ids]
    return rng.choice(able) if able and rng.random() < 0.6 else None


def _walk(rng, stages, created, now):
    """A plausible history: some stages done (on time or late), then where it is now."""
    visits = []
    moment = created
    # Most requests move on at a plausible pace until time runs out (so recent ones are in
    # progress); a few get stuck at some stage and end up breached, as in real life.
    stuck = rng.random() < 0.12
    target = rng.randint(0, len(stages) - 1) if stuck else len(stages)
    for index, stage in enumerate(stages):
        due = add_working_seconds(moment, stage_sla_seconds(stage))
        if index == target:
            visits.append((stage, moment, due, None, ""))
            break
        took = stage_sla_seconds(stage) * rng.uniform(0.3, 1.4)
        left = add_working_seconds(moment, took)
        if left >= now:
            visits.append((stage, moment, due, None, ""))
            target = index
            break
        exit = "resolved" if index == len(stages) - 1 else "advanced"
        visits.append((stage, moment, due, left, exit))
        moment = left
    finished = visits[-1][3] is not None
    # The overall target is fixed when the request is raised; missed targets stay recorded.
    overall_due = add_working_seconds(created, sum(stage_sla_seconds(s) for s in stages))
    late = [due for _, _, due, left, _ in visits if left is not None and left > due]
    plan = {
        "created": created,
        "visits": visits,
        "due_at": overall_due,
        "overall_breached_at": None,
        "breached_at": min(late) if late else None,
        "estimate": None,
        "sla_state": "on_track",
        "next_check_at": None,
        "waiting_since": None,
        "resolved_at": None,
        "closed_at": None,
    }
    if finished:
        resolved_at = visits[-1][3]
        plan["resolved_at"] = resolved_at
        plan["estimate"] = resolved_at
        closed = (now - resolved_at).days >= 14
        plan["closed_at"] = resolved_at + timedelta(days=14) if closed else None
        plan["status"] = "closed" if closed else "resolved"
        if rng.random() < 0.04:
            plan["status"] = "cancelled"
            plan["closed_at"] = None
            visits[-1] = (*visits[-1][:4], "cancelled")
        return plan
    stage, entered, due, _, _ = visits[-1]
    later = stages[stages.index(stage) + 1 :]
    later_seconds = sum(stage_sla_seconds(s) for s in later)
    plan["estimate"] = (
        add_working_seconds(due, later_seconds)
        if now < due
        else add_working_seconds(now, OVERDUE_STAGE_SECONDS + later_seconds)
    )
    if now >= overall_due:
        plan["overall_breached_at"] = overall_due
    missed = [m for m in (plan["breached_at"], plan["overall_breached_at"]) if m]
    if now >= due:
        missed.append(due)
    plan["breached_at"] = min(missed) if missed else None
    roll = rng.random()
    plan["status"] = "open"
    if roll < 0.1 and stage.pauses_while_waiting:
        plan["status"] = "waiting"
        plan["waiting_since"] = now - timedelta(hours=rng.randint(1, 72))
    elif roll < 0.15:
        plan["status"] = "on_hold"
    if now >= due or plan["overall_breached_at"]:
        plan["sla_state"] = "breached"
    elif now >= add_working_seconds(entered, AT_RISK_SHARE * stage_sla_seconds(stage)):
        plan["sla_state"] = "at_risk"
        plan["next_check_at"] = due
    else:
        plan["next_check_at"] = add_working_seconds(
            entered, AT_RISK_SHARE * stage_sla_seconds(stage)
        )
    if plan["overall_breached_at"] is None:
        checks = [c for c in (plan["next_check_at"], overall_due) if c]
        plan["next_check_at"] = min(checks)
    if plan["status"] == "waiting":
        plan["next_check_at"] = None
    return plan
