"""The one duplicate-report finder: open requests that are probably the same thing, best first.

Used wherever a place-based request is logged — the agent's "raise a request" page, residents'
forms (forms_engine calls `request_duplicate_candidates`), the public "already reported?" page,
Open311 POSTs — and by the staff request page's "reports near this one".

Candidates are open requests of the same process (any version) or a related one (an
administrator relates contact types on the process), raised within the process's look-back, that
share the address (UPRN), the street (USRN) or lie within the process's radius. Each lookup is
an indexed query on PostgreSQL and SQLite alike: partial indexes on open requests' UPRN, USRN
and (latitude, longitude); the point lookup reads the latitude/longitude box around the circle
and exact (haversine) distance then drops the box's corners. Ranking adds up the evidence:

    same UPRN 35 · same street 12 · distance 30 × (1 − d / radius) · same process 10, related 4
    · newer 8 × (1 − age / look-back) · description words 25 × share of words in common

A candidate scoring LIKELY_SCORE or more is "probably the same" and shown as such.
"""

import contextlib
import math
import threading
import time
import uuid
import weakref
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import Q, Subquery
from django.utils import timezone

from places.geo import box_around, distance_m
from places.selectors import Place, place_resolve
from requests_tracking.models import Evidence, Process, Request, Stage
from requests_tracking.wording import similarity, words_key

WEIGHT_UPRN = 35
WEIGHT_STREET = 12
WEIGHT_DISTANCE = 30
WEIGHT_SAME_PROCESS = 10
WEIGHT_RELATED = 4
WEIGHT_AGE = 8
WEIGHT_WORDS = 25
LIKELY_SCORE = 45
# Rows read (same address, street or box) before ranking: far more than anyone reads.
LOOKUP_CAP = 600
DEFAULT_LIMIT = 5


@dataclass
class Candidate:
    request: Request
    score: float
    distance_m: float | None
    same_uprn: bool
    same_street: bool
    related: bool
    age_days: int
    shared_words: list[str] = field(default_factory=list)
    photo_count: int = 0

    @property
    def likely(self) -> bool:
        return self.score >= LIKELY_SCORE

    @property
    def distance_label(self) -> str:
        if self.distance_m is None:
            return ""
        if self.distance_m < 10:
            return "under 10 m"
        return f"{round(self.distance_m / 5) * 5:.0f} m"

    @property
    def reasons(self) -> list[str]:
        said = []
        if self.same_uprn:
            said.append("same address")
        elif self.same_street:
            said.append("same street")
        if self.distance_m is not None:
            said.append(f"{self.distance_label} away")
        said.append(f"related kind ({self.request.process.name})" if self.related else "same kind")
        if self.shared_words:
            said.append("similar words: " + ", ".join(sorted(self.shared_words)[:4]))
        return said


def process_kinds(process: Process) -> dict[int, bool]:
    """Process ids whose open requests may be the same thing -> True when only related.

    Every version of the same process, and every version of processes started by the contact
    types the administrator related to this one (or that relate this one's types to theirs).
    Read once per process and kept (see `kinds_changed` for when it is read again).
    """
    generation = _kinds_generation()
    key = (process.pk, process.code)
    if generation is not None:
        with _kinds_lock:
            kept = _kinds_cache.get(key)
        if kept is not None and kept[0] == generation and kept[2] > time.monotonic():
            return kept[1]
    kinds = _process_kinds_query(process)
    if generation is not None:
        with _kinds_lock:
            _kinds_cache[key] = (generation, kinds, time.monotonic() + _kept_for())
            while len(_kinds_cache) > KINDS_CACHE_SIZE:
                _kinds_cache.pop(next(iter(_kinds_cache)))
    return kinds


def _process_kinds_query(process: Process) -> dict[int, bool]:
    """The related kinds, from the database: one query."""
    own_types = Process.contact_types.through.objects.filter(process_id=process.pk).values(
        "contacttype_id"
    )
    related_types = Process.related_contact_types.through.objects.filter(
        process_id=process.pk
    ).values("contacttype_id")
    related_codes = (
        Process.objects.filter(
            Q(contact_types__in=Subquery(related_types))
            | Q(related_contact_types__in=Subquery(own_types))
        )
        .order_by()
        .values("code")
    )
    rows = (
        Process.objects.filter(Q(code=process.code) | Q(code__in=Subquery(related_codes)))
        .order_by()
        .values_list("pk", "code")
        .distinct()
    )
    return {pk: code != process.code for pk, code in rows}


# The related kinds are kept per process in each worker, stamped with a generation held in the
# shared cache (Redis in production). Any change to processes, contact types or their links
# (admin, shell, import) calls `kinds_changed`, which forgets this worker's copies and moves the
# shared generation on, at once and again when the transaction commits, so every other worker
# reads the kinds afresh on its next call. Without a working shared cache nothing is kept; with
# a cache local to each process (local memory, the default without REDIS_URL) other processes
# cannot be told, so copies are then kept KINDS_LOCAL_SECONDS at most.
KINDS_GENERATION_KEY = "finder:kinds-generation"
KINDS_CACHE_SIZE = 512
KINDS_LOCAL_SECONDS = 10
_kinds_cache: dict[tuple, tuple[str, dict[int, bool], float]] = {}
_kinds_lock = threading.Lock()


def _kept_for() -> float:
    if isinstance(caches[DEFAULT_CACHE_ALIAS], LocMemCache):
        return KINDS_LOCAL_SECONDS
    return math.inf


def _kinds_generation() -> str | None:
    try:
        generation = cache.get(KINDS_GENERATION_KEY)
        if generation is None:
            cache.add(KINDS_GENERATION_KEY, uuid.uuid4().hex, timeout=None)
            generation = cache.get(KINDS_GENERATION_KEY)
    except Exception:  # the shared cache is down: read the database every time
        return None
    return generation


def _kinds_bump() -> None:
    with _kinds_lock:
        _kinds_cache.clear()
    # Nothing is kept while the cache is down (see _kinds_generation).
    with contextlib.suppress(Exception):
        cache.set(KINDS_GENERATION_KEY, uuid.uuid4().hex, timeout=None)


def kinds_changed(**kwargs) -> None:
    """Forget the related kinds everywhere: a process, contact type or their link changed."""
    if kwargs.get("action", "post_").startswith("pre_"):
        return  # m2m_changed: act once, after the links changed
    _kinds_bump()
    transaction.on_commit(_kinds_bump)


def request_duplicate_candidates(
    *,
    process: Process,
    uprn: str = "",
    usrn: str = "",
    latitude=None,
    longitude=None,
    postcode: str = "",
    description: str = "",
    exclude_pk: int | None = None,
    limit: int = DEFAULT_LIMIT,
    radius_m: int | None = None,
    now=None,
) -> list[Candidate]:
    """Open requests that are probably the same report as the one described, best first.

    The place is completed from the gazetteer (a UPRN brings its point and street, a street its
    middle, a postcode its centre), so an address picked without a map still finds reports
    nearby. Returns at most `limit` candidates; an empty list when the place says nothing.
    """
    now = now or timezone.now()
    place = place_resolve(
        uprn=uprn, usrn=usrn, latitude=latitude, longitude=longitude, postcode=postcode
    )
    if not (place.uprn or place.usrn or place.has_point):
        return []
    kinds = process_kinds(process)
    radius = radius_m or process.duplicate_radius_m
    look_back = process.duplicate_max_age_days
    rows = _lookup(
        place,
        radius,
        kinds,
        since=now - timedelta(days=look_back),
        exclude_pk=exclude_pk,
    )
    mine = words_key(description)
    point = (float(place.latitude), float(place.longitude)) if place.has_point else None
    scored = [
        c
        for row in rows
        if (c := _score(row, place, point, kinds, radius, look_back, mine, now)) is not None
    ]
    scored.sort(key=_rank)
    return scored[:limit]


_FAR = 10**9


def _lookup(place: Place, radius: float, kinds, *, since, exclude_pk) -> list[Request]:
    """One query: open requests of these kinds raised since then, at the address, on the street
    or in the box around the circle, each with its process, stage and photo count.

    Written out rather than built by the ORM: building the equivalent queryset (select_related
    and a counted subquery) cost more processor time than the query itself. PostgreSQL combines
    the three partial indexes on open requests (uprn, usrn, latitude/longitude) in a bitmap OR;
    SQLite uses them one by one. The same SQL runs on both.
    """
    if not kinds:
        return []
    parts = _select_parts()
    ops = connection.ops
    params = [*Request.LIVE_STATUSES, *kinds, ops.adapt_datetimefield_value(since)]
    where = [
        f"r.status IN ({', '.join(['%s'] * len(Request.LIVE_STATUSES))})",
        f"r.process_id IN ({', '.join(['%s'] * len(kinds))})",
        "r.created_at >= %s",
    ]
    if exclude_pk:
        where.append("r.id <> %s")
        params.append(exclude_pk)
    places = []
    if place.uprn:
        places.append("r.uprn = %s")
        params.append(place.uprn)
    if place.usrn:
        places.append("r.usrn = %s")
        params.append(place.usrn)
    if place.has_point:
        box = box_around(float(place.latitude), float(place.longitude), radius)
        places.append(
            "(r.latitude >= %s AND r.latitude <= %s AND r.longitude >= %s AND r.longitude <= %s)"
        )
        params += [
            ops.adapt_decimalfield_value(_six(value), 9, 6)
            for value in (box.min_lat, box.max_lat, box.min_lon, box.max_lon)
        ]
    where.append(f"({' OR '.join(places)})")
    sql = f"{parts.select} WHERE {' AND '.join(where)} LIMIT {LOOKUP_CAP}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    if parts.converters:
        fetched = parts.compiler.apply_converters(fetched, parts.converters)
    return [parts.build(row) for row in fetched]


@dataclass
class _SelectParts:
    select: str
    compiler: object
    converters: dict
    build: object


# Per connection object (each thread has its own): the converters are bound to it.
_parts_by_connection: "weakref.WeakKeyDictionary[object, _SelectParts]" = (
    weakref.WeakKeyDictionary()
)


def _select_parts() -> _SelectParts:
    """The SELECT ... FROM ... JOINs, the column converters and a row -> Request builder, worked
    out once per database connection."""
    wrapper = connections[DEFAULT_DB_ALIAS]
    found = _parts_by_connection.get(wrapper)
    if found is not None:
        return found
    qn = connection.ops.quote_name
    models = [(Request, "r"), (Process, "p"), (Stage, "s")]
    fields = {model: list(model._meta.concrete_fields) for model, _ in models}
    columns = [f"{alias}.{qn(f.column)}" for model, alias in models for f in fields[model]]
    evidence = qn(Evidence._meta.db_table)
    select = (
        f"SELECT {', '.join(columns)}, "
        f"(SELECT COUNT(*) FROM {evidence} e WHERE e.request_id = r.id "
        f"AND e.content_type LIKE 'image/%%') "
        f"FROM {qn(Request._meta.db_table)} r "
        f"INNER JOIN {qn(Process._meta.db_table)} p ON p.id = r.process_id "
        f"LEFT OUTER JOIN {qn(Stage._meta.db_table)} s ON s.id = r.current_stage_id"
    )
    compiler = Request.objects.none().query.get_compiler(connection=connection)
    converters = compiler.get_converters(
        [f.get_col(model._meta.db_table) for model, _ in models for f in fields[model]]
    )
    names = {model: [f.attname for f in fields[model]] for model, _ in models}
    n_request, n_process = len(fields[Request]), len(fields[Process])
    n_both = n_request + n_process
    stage_pk = n_both + [f.primary_key for f in fields[Stage]].index(True)
    process_field = Request._meta.get_field("process")
    stage_field = Request._meta.get_field("current_stage")
    alias = connection.alias

    def build(row) -> Request:
        made = Request.from_db(alias, names[Request], row[:n_request])
        process_field.set_cached_value(
            made, Process.from_db(alias, names[Process], row[n_request:n_both])
        )
        stage = None
        if row[stage_pk] is not None:
            stage = Stage.from_db(alias, names[Stage], row[n_both:-1])
        stage_field.set_cached_value(made, stage)
        made.photo_count = row[-1]
        return made

    parts = _SelectParts(select, compiler, converters, build)
    _parts_by_connection[wrapper] = parts
    return parts


def _six(value: float) -> Decimal:
    return Decimal(f"{value:.6f}")


def _score(row: Request, place: Place, point, kinds, radius, look_back, mine, now):
    same_uprn = bool(place.uprn) and row.uprn == place.uprn
    same_street = bool(place.usrn) and row.usrn == place.usrn
    distance = None
    if point is not None and row.latitude is not None:
        distance = distance_m(point[0], point[1], float(row.latitude), float(row.longitude))
    within = distance is not None and distance <= radius
    if not (same_uprn or same_street or within):
        return None  # in the box's corner, and nothing else in common
    related = kinds[row.process_id]
    age_days = max((now - row.created_at).total_seconds() / 86400, 0)
    theirs = words_key(row.description)
    score = (
        (WEIGHT_UPRN if same_uprn else 0)
        + (WEIGHT_STREET if same_street else 0)
        + (WEIGHT_DISTANCE * (1 - distance / radius) if within else 0)
        + (WEIGHT_RELATED if related else WEIGHT_SAME_PROCESS)
        + WEIGHT_AGE * max(0.0, 1 - age_days / look_back)
        + WEIGHT_WORDS * similarity(mine, theirs)
    )
    return Candidate(
        request=row,
        score=round(score, 1),
        distance_m=distance,
        same_uprn=same_uprn,
        same_street=same_street,
        related=related,
        age_days=int(age_days),
        shared_words=sorted(mine & theirs),
        photo_count=row.photo_count,
    )


def _rank(c: Candidate):
    """Best first: score, then nearer, then newer."""
    return (
        -c.score,
        _FAR if c.distance_m is None else c.distance_m,
        -c.request.created_at.timestamp(),
    )
