"""Reads of requests_tracking: lists, a request with its history, stage plans, duplicates.

`request_duplicate_candidates` (from `requests_tracking.finder`) is the one duplicate finder:
every screen, form and API that logs a place-based request calls it.
"""

from dataclasses import dataclass

from django.db.models import BooleanField, Count, F, Prefetch, Window
from django.db.models.expressions import RawSQL
from django.db.models.functions import RowNumber

from contacts.models import Channel
from core.precompiled import PrecompiledRead
from core.refcache import generation, held
from notifications.selectors import messages_about_key
from organisation.models import ServiceArea
from requests_tracking.finder import Candidate, request_duplicate_candidates
from requests_tracking.models import (
    Evidence,
    Process,
    Request,
    RequestDuplicateLink,
    RequestFollowerEmail,
    RequestNote,
    Stage,
    StageVisit,
)
from requests_tracking.sla import stage_sla_seconds
from requests_tracking.working_time import add_working_seconds

__all__ = ["Candidate", "request_duplicate_candidates"]  # re-exported: the public finder


def processes_current():
    return (
        Process.objects.filter(is_current=True, active=True)
        .select_related("service_area")
        .prefetch_related(Prefetch("stages", queryset=Stage.objects.order_by("order")))
        .order_by("service_area__name", "name")
    )


def processes_current_kept() -> list[Process]:
    """`processes_current()` with their stages, kept per process (#19): the raise-request form
    offers them on every call. Any saved process, stage or service area replaces them. Shared
    between requests: read them, never change them (the form hands out copies)."""
    return held(
        ("requests_tracking", "processes_current"),
        lambda: list(processes_current()),
        models=(Process, Stage, ServiceArea),
    )


def _processes_and_stages():
    return held(
        ("requests_tracking", "processes_and_stages"),
        lambda: (Process.objects.in_bulk(), Stage.objects.in_bulk()),
        models=(Process, Stage),
    )


def process_stages_kept(*, process_id) -> list[Stage] | None:
    """A process's stages in order from the kept stages; None when nothing is kept (cache
    unreachable) or the process is not among them: then read them from the database."""
    if generation() is None:
        return None

    def by_process():
        grouped = {}
        for stage in sorted(_processes_and_stages()[1].values(), key=lambda s: (s.order, s.pk)):
            grouped.setdefault(stage.process_id, []).append(stage)
        return grouped

    return held(
        ("requests_tracking", "stages_by_process"), by_process, models=(Process, Stage)
    ).get(process_id)


def request_list(*, filters=None):
    qs = Request.objects.select_related(
        "process",
        "current_stage",
        "current_visit",
        "citizen",
        "service_area",
        "team",
        "assigned_to",
    )
    if filters is not None:
        qs = filters.filter_queryset(qs) if hasattr(filters, "filter_queryset") else qs
    return qs.order_by("-created_at", "-id")


def _in_order(queryset, ids):
    rows = {r.pk: r for r in queryset}
    return [rows[pk] for pk in ids if pk in rows]


def request_list_rows(*, ids) -> list[Request]:
    """One page of the request list, in the order of `ids` (#19): the page's ids come from the
    filtered, sorted list without its joins, so PostgreSQL joins 25 rows rather than every
    request the filters match before sorting them."""
    processes, stages = _processes_and_stages()
    # Processes and stages from the kept reference rows: each join costs PostgreSQL more to
    # plan (8 tables: 3–15 ms) than the 25 rows cost to read.
    rows = {
        r.pk: r
        for r in Request.objects.select_related(
            "current_visit", "citizen", "team", "assigned_to"
        ).filter(pk__in=ids)
    }
    process_field, stage_field = (Request._meta.get_field(n) for n in ("process", "current_stage"))
    page = []
    for pk in ids:
        r = rows.get(pk)
        if r is None:
            continue
        process = processes.get(r.process_id)
        stage = stages.get(r.current_stage_id)
        if process is None or (r.current_stage_id is not None and stage is None):
            return _in_order(request_list().filter(pk__in=ids), ids)  # kept rows out of date
        process_field.set_cached_value(r, process)
        stage_field.set_cached_value(r, stage)
        page.append(r)
    return page


# What a request points at that is reference data: from the rows kept per process (#19),
# not joined into every read of a request (each join's columns cost Python time to build
# and read).
_REFERENCE_RELATIONS = (
    "process",
    "process__service_area",
    "current_stage",
    "service_area",
    "channel",
)


def _request_refs():
    return held(
        ("requests_tracking", "request_refs"),
        lambda: (
            Process.objects.select_related("service_area").in_bulk(),
            Stage.objects.in_bulk(),
            ServiceArea.objects.in_bulk(),
            Channel.objects.in_bulk(),
        ),
        models=(Process, Stage, ServiceArea, Channel),
    )


def _refs_set(service_request, refs) -> bool:
    """Point the request at the kept process, stage, area and channel; False if one is not
    kept."""
    processes, stages, areas, channels = refs
    found = {}
    for name, rows in (
        ("process", processes),
        ("current_stage", stages),
        ("service_area", areas),
        ("channel", channels),
    ):
        field = Request._meta.get_field(name)
        key = getattr(service_request, field.attname)
        if key is None:
            found[field] = None
        elif key in rows:
            found[field] = rows[key]
        else:
            return False
    for field, row in found.items():
        field.set_cached_value(service_request, row)
    return True


def _page_flags() -> dict:
    """Whether a request has evidence, followers by email and duplicates, as `EXISTS` in its
    own query. Written as SQL: built by the ORM, the three subqueries cost ~1.3 ms of CPU per
    page, more than the queries they save."""
    request_table = Request._meta.db_table

    def exists(model, column, condition=""):
        sql = (
            f'EXISTS (SELECT 1 FROM "{model._meta.db_table}" U0 '
            f'WHERE U0."{column}" = "{request_table}"."id"{condition})'
        )
        return RawSQL(sql, (), output_field=BooleanField())

    active = ", ".join(f"'{status}'" for status in RequestFollowerEmail.ACTIVE)
    return {
        "has_evidence": exists(Evidence, "request_id"),
        "has_followers": exists(
            RequestFollowerEmail, "request_id", f' AND U0."status" IN ({active})'
        ),
        "has_duplicates": exists(
            RequestDuplicateLink, "original_id", ' AND U0."undone_at" IS NULL'
        ),
    }


def request_get(*, pk, for_page=False) -> Request:
    """A request with what its page and its transitions read; its process's stages from the
    kept ones (#19), which the stage plan and the transitions' guards use.

    `for_page`: also whether it has evidence, followers by email and duplicates — usually
    none, so the page reads those lists only when there is something to show."""
    refs = _request_refs() if generation() is not None else None
    queryset = Request.objects.select_related(
        "current_visit", "citizen", "team", "assigned_to", "created_by"
    )
    if refs is None:
        queryset = queryset.select_related(*_REFERENCE_RELATIONS)
    if for_page:
        queryset = queryset.annotate(**_page_flags())
    service_request = queryset.get(pk=pk)
    if refs is not None and not _refs_set(service_request, refs):
        # A row the kept ones do not have yet: read them with the request, as before.
        service_request = queryset.select_related(*_REFERENCE_RELATIONS).get(pk=pk)
    stages = process_stages_kept(process_id=service_request.process_id)
    if stages is None:
        stages = list(service_request.process.stages.order_by("order"))
    service_request._stages_cache = list(stages)
    return service_request


# The request page shows the newest entries of each part of a request's history (notes, stage
# visits, notifications) and says how many there are, with a link to all of them: its work
# must not grow with the request's history (#19).
HISTORY_SHOWN = 10


@dataclass
class Shown:
    """The newest entries of a list, how many there are, and whether that is all of them."""

    rows: list
    total: int

    @property
    def partial(self) -> bool:
        return len(self.rows) < self.total

    def __iter__(self):
        return iter(self.rows)

    def __len__(self):
        return len(self.rows)

    def __bool__(self):
        return bool(self.rows)


def newest(queryset, *, limit) -> Shown:
    """`queryset`'s first `limit` (at least 1; None: all) rows and how many it has, in one
    query."""
    if limit is None:
        rows = list(queryset)
        return Shown(rows=rows, total=len(rows))
    rows = list(_with_total(queryset, limit))
    return Shown(rows=rows, total=rows[0].shown_of if rows else 0)


def _with_total(queryset, limit):
    return queryset.annotate(shown_of=Window(Count("pk")))[:limit]


# The request page's lists (stage visits, notes, messages) are read on every visit: their SQL is
# built once per process for each list and limit (core.precompiled), ~2 ms of CPU a page.
_kept_reads: dict = {}
_KEY_STAND_IN = -790_004_101


def _newest_kept(name, build, value, *, limit) -> Shown:
    """`newest(build(value), limit=limit)`; `build` takes one value (a request's id)."""
    if limit is None:
        return newest(build(value), limit=None)
    read = _kept_reads.get((name, limit))
    if read is None:
        stand_in = str(_KEY_STAND_IN) if isinstance(value, str) else _KEY_STAND_IN
        read = _kept_reads.setdefault(
            (name, limit),
            PrecompiledRead(lambda key: _with_total(build(key), limit), key=stand_in),
        )
    rows = read.objects(key=value)
    return Shown(rows=rows, total=rows[0].shown_of if rows else 0)


def _visits_of(request_id):
    return (
        StageVisit.objects.filter(request_id=request_id)
        .select_related("stage", "entered_by", "left_by")
        .order_by("-entered_at", "-id")
    )


def _notes_of(request_id):
    return (
        RequestNote.objects.filter(request_id=request_id)
        .select_related("author")
        .order_by("-created_at", "-id")
    )


def _messages_of(object_id):
    return messages_about_key(object_type=Request._meta.label_lower, object_id=object_id)


@dataclass
class StageHistory:
    """A request's stage visits, oldest first (the newest `limit` of them), how many there
    are, and each stage's last visit (the stage plan's)."""

    visits: Shown
    last_by_stage: dict


def request_history(*, service_request, limit=HISTORY_SHOWN) -> StageHistory:
    """One query; a second, bounded one only when the history is longer than `limit` and a
    stage's last visit is older than the newest `limit`."""
    visits = StageVisit.objects.filter(request=service_request).select_related(
        "stage", "entered_by", "left_by"
    )
    shown = _newest_kept("visits", _visits_of, service_request.pk, limit=limit)
    shown.rows.reverse()  # oldest first
    last_by_stage = {v.stage_id: v for v in shown.rows}  # oldest first: the last one stays
    if shown.partial:
        # Ranking every visit costs more to build than the plain query: only when needed.
        newest_first = (F("entered_at").desc(), F("id").desc())
        older = (
            visits.exclude(stage_id__in=last_by_stage)
            .annotate(
                stage_rank=Window(RowNumber(), partition_by=F("stage_id"), order_by=newest_first)
            )
            .filter(stage_rank=1)
        )
        last_by_stage.update({v.stage_id: v for v in older})
    return StageHistory(visits=shown, last_by_stage=last_by_stage)


def request_notes(*, service_request, limit=HISTORY_SHOWN) -> Shown:
    """The request's notes, newest first: the newest `limit` (all with None)."""
    return _newest_kept("notes", _notes_of, service_request.pk, limit=limit)


def request_evidence(*, service_request):
    if not getattr(service_request, "has_evidence", True):
        return []
    return list(Evidence.objects.filter(request=service_request).select_related("uploaded_by"))


def request_messages(*, service_request, limit=HISTORY_SHOWN) -> Shown:
    """Messages about the request, newest first: the newest `limit` (all with None)."""
    return _newest_kept("messages", _messages_of, str(service_request.pk), limit=limit)


def request_stage_plan(*, service_request, last_by_stage=None) -> list[dict]:
    """Each stage with its state (done/current/upcoming) and its own due date.

    Upcoming stages are due one after another from the current stage's due date.
    `last_by_stage`: each stage's last visit (`request_history`'s), read here if not given.
    """
    if last_by_stage is None:
        last_by_stage = request_history(service_request=service_request).last_by_stage
    stages = getattr(service_request, "_stages_cache", None)
    if stages is None:
        stages = list(service_request.process.stages.all())
    last_visit = last_by_stage
    current = service_request.current_stage
    plan = []
    running_due = service_request.current_visit.due_at if service_request.current_visit else None
    live = service_request.is_live
    for stage in stages:
        visit = last_visit.get(stage.pk)
        if current and stage.pk == current.pk and live:
            state, due = "current", visit.due_at if visit else None
        elif current and stage.order < current.order or (not live and visit):
            state, due = "done", visit.due_at if visit else None
        else:
            state = "upcoming"
            due = None
            if running_due is not None and live:
                running_due = add_working_seconds(running_due, stage_sla_seconds(stage))
                due = running_due
        if (
            current
            and stage.pk == current.pk
            and not live
            and service_request.status != "resolved"
        ):
            state = "stopped"
        plan.append({"stage": stage, "state": state, "due_at": due, "visit": visit})
    return plan


def request_nearby(*, service_request, limit=10):
    """Open reports of the same (or a related) kind near this one, ranked like duplicates."""
    if not service_request.process.place_based:
        return []
    return request_duplicate_candidates(
        process=service_request.process,
        uprn=service_request.uprn,
        usrn=service_request.usrn,
        latitude=service_request.latitude,
        longitude=service_request.longitude,
        postcode=service_request.postcode,
        description=service_request.description,
        exclude_pk=service_request.pk,
        limit=limit,
    )


def request_duplicate_link(*, service_request):
    """The standing link of a request marked as a duplicate, or None."""
    if not service_request.duplicate_of_id:
        return None
    return (
        RequestDuplicateLink.objects.filter(duplicate=service_request, undone_at__isnull=True)
        .select_related("original", "marked_by")
        .first()
    )


def request_duplicates(*, service_request):
    """Requests marked as duplicates of this one, newest first."""
    if not getattr(service_request, "has_duplicates", True):
        return []
    return list(
        RequestDuplicateLink.objects.filter(original=service_request, undone_at__isnull=True)
        .select_related("duplicate", "marked_by")
        # What the request page shows of each duplicate: its reference and link.
        .only(
            "id",
            "duplicate_id",
            "reason",
            "marked_by",
            "marked_at",
            "duplicate__id",
            "duplicate__reference",
        )
        .order_by("-marked_at")
    )


NO_AREAS = (
    "You have no service areas, so you cannot work on requests. Ask an administrator to add "
    "the service areas you work in."
)


def staff_area_ids(*, staff) -> frozenset[int]:
    """The service areas a member of staff works, kept per process (#19): every request page
    and list asks. Replaced when anyone's service areas change (requests_tracking.receivers),
    a service area is saved or deleted, or the staff row is saved (accounts.apps)."""
    return held(
        ("requests_tracking", "staff_areas", staff.pk),
        lambda: frozenset(staff.service_areas.values_list("pk", flat=True)),
        models=(ServiceArea,),
    )


def request_work_refusal(*, staff, service_request) -> str | None:
    """Why this member of staff may not work this request, in plain words; None if they may.

    Default deny: service officers work requests of their own service areas only, and with
    none they work no requests. Team leaders and administrators (`work_any_area`) work their
    areas' requests, or every area's when they have none."""
    if not staff.has_perm("requests_tracking.work_request"):
        return "You do not have permission to work on requests."
    if staff.is_superuser:
        return None
    area_ids = staff_area_ids(staff=staff)
    if not area_ids:
        return None if staff.has_perm("requests_tracking.work_any_area") else NO_AREAS
    if service_request.service_area_id in area_ids:
        return None
    return "This request is not in one of your service areas, so you cannot work on it."


def request_can_work(*, staff, service_request) -> bool:
    return request_work_refusal(staff=staff, service_request=service_request) is None


def staff_without_areas(*, staff) -> bool:
    """A member of staff who works requests but has no service area, so may work none."""
    return (
        staff.has_perm("requests_tracking.work_request")
        and not staff.is_superuser
        and not staff.has_perm("requests_tracking.work_any_area")
        and not staff_area_ids(staff=staff)
    )


def requests_open_for_citizen(*, citizen):
    return (
        Request.objects.live()
        .filter(citizen=citizen)
        .select_related("process", "current_stage")
        .order_by("-created_at")
    )


def requests_for_citizen(*, citizen):
    return (
        Request.objects.filter(citizen=citizen)
        .select_related("process", "current_stage")
        .order_by("-created_at")
    )


def request_workload(*, staff) -> dict[str, dict[str, int]]:
    """Live requests assigned to this member of staff and to their teams, counted by SLA state."""
    from django.db.models import Count, Q

    from requests_tracking.filters import requests_workable_by

    counts = {}
    scopes = {"me": Q(assigned_to=staff), "my_team": Q(team__in=staff.teams.all())}
    for scope, condition in scopes.items():
        rows = (
            requests_workable_by(
                Request.objects.filter(condition, status__in=Request.LIVE_STATUSES),
                staff=staff,
            )
            .values("sla_state")
            .annotate(n=Count("id"))
        )
        by_state = dict.fromkeys(Request.SlaState.values, 0)
        by_state.update({row["sla_state"]: row["n"] for row in rows})
        by_state["total"] = sum(by_state.values())
        counts[scope] = by_state
    return counts


def request_public_get(*, pk) -> Request | None:
    """A request as the citizen's tracking page needs it (no staff or other citizens' data)."""
    return (
        Request.objects.select_related("process", "current_stage", "current_visit")
        .prefetch_related("process__stages")
        .filter(pk=pk)
        .first()
    )


def request_public_notes(*, service_request) -> list[RequestNote]:
    """What the citizen may read: notes marked visible to them, oldest first. No authors."""
    return list(
        RequestNote.objects.filter(request=service_request, visible_to_citizen=True)
        .exclude(kind=RequestNote.Kind.SYSTEM)
        .only("id", "kind", "text", "from_citizen", "created_at")
        .order_by("created_at", "id")
    )


def request_open_questions(*, service_request, notes) -> list[RequestNote]:
    """The information requests the citizen has not answered yet (asked since their last reply)."""
    if service_request.status != Request.Status.WAITING:
        return []
    open_questions = []
    for note in notes:
        if note.kind == RequestNote.Kind.CITIZEN_REPLY:
            open_questions = []
        elif note.kind == RequestNote.Kind.INFORMATION_REQUEST:
            open_questions.append(note)
    return open_questions


def request_public_evidence(*, service_request) -> list[Evidence]:
    return list(
        Evidence.objects.filter(request=service_request, visible_to_citizen=True)
        .only("id", "original_name", "size", "uploaded_at", "from_citizen")
        .order_by("uploaded_at", "id")
    )


def request_follower_emails(*, service_request):
    """Addresses following the request or waiting for their owner to confirm."""
    if not getattr(service_request, "has_followers", True):
        return []
    return list(
        RequestFollowerEmail.objects.filter(
            request=service_request, status__in=RequestFollowerEmail.ACTIVE
        ).only("email", "status")
    )


def follower_email_get(*, pk):
    return RequestFollowerEmail.objects.select_related("request").filter(pk=pk).first()
