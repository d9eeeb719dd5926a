"""Quick search: one box, any identifier, forgiving about spelling. One service, two engines.

`citizen_search(query=..., limit=...)` parses the text into identifiers (email, phone, postcode
or district, date of birth, citizen/service-account/request references) and name tokens, finds
candidates, and ranks them in Python with the same scoring on every database:

- PostgreSQL: names in the usual order ("Mar Thom") from index-only scans of two B-tree
  indexes that carry the name columns (migration 0004), best-ranked first; then, only when they
  could change the page, full-text search (`simple` config, GIN index) over
  `Citizen.search_keys` — name tokens (prefix matching), their metaphone/NYSIIS keys (Jon =
  John, Smyth = Smith) and sorted-letter keys (Smtih = Smith) — bounded without sorting, and
  pg_trgm similarity on `search_name` as a last resort. Identifiers use B-tree indexes on
  normalised columns; the result rows come with their related rows in one query.
- SQLite (the zero-setup demo): the same keys matched with LIKE, and Damerau-Levenshtein on the
  register's distinct surnames as the last resort.

Extension point: apps whose references identify a citizen (requests_tracking's request
references) call `register_reference_resolver(func)` from `AppConfig.ready()`; `func(text)`
returns citizen ids for a reference-like token and is called for every such token.
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

import jellyfish
from django.db import connection
from django.db.models import Prefetch, Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Collate, Lower

from citizens.models import Address, AssistanceFlag, Citizen, EmailAddress, PhoneNumber
from citizens.normalise import (
    name_tokens,
    phone_normalise,
    reference_compact,
    token_keys,
)

CANDIDATES = 150

_reference_resolvers: list[tuple[Callable[[str], Iterable[int]], str]] = []


def register_reference_resolver(
    func: Callable[[str], Iterable[int]], *, label: str = "Linked reference"
):
    """Let another app map a reference (a request or service account reference) to citizen
    ids; `label` says why a result matched ("Service account reference")."""
    if all(f is not func for f, _label in _reference_resolvers):
        _reference_resolvers.append((func, label))
    return func


DOB_RE = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\b|\b(\d{4})-(\d{2})-(\d{2})\b")
PHONE_RE = re.compile(r"(?<![\w-])((?:\+|\(?0)[\d\s()-]{8,}\d)(?![\w-])")
POSTCODE_RE = re.compile(r"\b(GIR ?0AA|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2})\b", re.IGNORECASE)
DISTRICT_RE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?$", re.IGNORECASE)
CITIZEN_REF_RE = re.compile(r"^C\d{7}$", re.IGNORECASE)


@dataclass
class ParsedQuery:
    text: str
    names: list[str] = field(default_factory=list)
    dob: date | None = None
    postcode: str = ""
    district: str = ""
    email: str = ""
    phone: str = ""
    references: list[str] = field(default_factory=list)

    @property
    def has_identifier(self):
        return bool(self.email or self.phone or self.references)

    @property
    def is_empty(self):
        return not (
            self.names or self.dob or self.postcode or self.district or self.has_identifier
        )


def parse_query(text: str) -> ParsedQuery:
    text = (text or "").strip()[:200]
    parsed = ParsedQuery(text=text)
    rest = text
    emails = [w for w in rest.split() if "@" in w]
    if emails:
        parsed.email = emails[0].strip(",;<>").lower()
        rest = rest.replace(emails[0], " ")
    m = DOB_RE.search(rest)
    if m:
        try:
            if m.group(1):
                parsed.dob = date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
            else:
                parsed.dob = date(int(m.group(4)), int(m.group(5)), int(m.group(6)))
        except ValueError:
            parsed.dob = None
        rest = rest.replace(m.group(0), " ")
    m = POSTCODE_RE.search(rest)
    if m:
        parsed.postcode = re.sub(r"\s", "", m.group(1).upper())
        rest = rest.replace(m.group(0), " ")
    for m in PHONE_RE.finditer(rest):
        digits = re.sub(r"\D", "", m.group(1))
        if len(digits) >= 10:
            try:
                parsed.phone = phone_normalise(m.group(1))
            except ValueError:
                continue
            rest = rest.replace(m.group(1), " ")
            break
    whole = reference_compact(rest)
    if " " in rest.strip() and any(c.isdigit() for c in whole) and len(whole) >= 6:
        parsed.references.append(whole)  # a reference typed with spaces: "CT 1234 5678"
    for word in rest.split():
        word = word.strip(",;:()")
        if not word:
            continue
        if any(c.isdigit() for c in word):
            if DISTRICT_RE.match(word) and not parsed.postcode:
                parsed.district = word.upper()
            compact = reference_compact(word)
            if len(compact) >= 4:
                parsed.references.append(compact)
            continue
        parsed.names.extend(name_tokens(word))
    return parsed


# --- candidates ----------------------------------------------------------------------------


def _identifier_ids(parsed: ParsedQuery) -> tuple[set[int], dict[int, str]]:
    ids: set[int] = set()
    reasons: dict[int, str] = {}

    def add(found, reason):
        for pk in found:
            ids.add(pk)
            reasons.setdefault(pk, reason)

    if parsed.email:
        add(
            EmailAddress.objects.annotate(e=Lower("email"))
            .filter(e=parsed.email)
            .values_list("citizen_id", flat=True),
            "Email address",
        )
    if parsed.phone:
        add(
            PhoneNumber.objects.filter(number=parsed.phone).values_list("citizen_id", flat=True),
            "Phone number",
        )
    for ref in parsed.references:
        if CITIZEN_REF_RE.match(ref):
            rows = Citizen.objects.filter(reference=ref).values_list("id", "merged_into_id")
            add([merged_into or pk for pk, merged_into in rows], "Citizen reference")
            continue
        for resolver, label in _reference_resolvers:
            add(list(resolver(ref) or []), label)
    return ids, reasons


def _base_queryset(parsed: ParsedQuery):
    qs = Citizen.objects.filter(status=Citizen.Status.ACTIVE)
    if parsed.dob:
        qs = qs.filter(date_of_birth=parsed.dob)
    if parsed.postcode:
        qs = qs.filter(
            id__in=Address.objects.filter(postcode_compact=parsed.postcode).values("citizen_id")
        )
    elif parsed.district and parsed.names:
        qs = qs.filter(
            id__in=Address.objects.filter(postcode_compact__startswith=parsed.district).values(
                "citizen_id"
            )
        )
    return qs


# Name candidates are rows of these columns, enough to rank without loading whole records.
NAME_COLUMNS = ("id", "first_name", "middle_names", "last_name", "preferred_name")
# The usual-order tier reads a B-tree index only, so it can afford to rank many.
USUAL_ORDER_CANDIDATES = 150
# The other tiers read table rows; they stop after this many, in table order, without sorting.
GIN_CANDIDATES = 200


def _prefix(tokens: list[str], i: int, all_prefix: bool = False) -> bool:
    # Prefix matching (as-you-type, "Jo Smi") for the last word and short words only: a prefix
    # expands to many index entries, an exact word to one.
    return all_prefix or i == len(tokens) - 1 or len(tokens[i]) <= 3


def _tsquery(tokens: list[str], keys: str = "", exact: bool = False, all_prefix=False) -> str:
    """`keys`: "" (the words only), "letters" (+ sorted-letter keys: swapped letters) or "all"
    (+ sound-alike keys too). `exact`: no prefix matching at all."""
    parts = []
    for i, token in enumerate(tokens):
        prefix = not exact and _prefix(tokens, i, all_prefix)
        alternatives = [f"{token}:*" if prefix else token]
        if keys == "letters":
            alternatives += [k for k in _keys(token) if k.startswith("qs")]
        elif keys == "all":
            alternatives += _keys(token)
        parts.append("(" + " | ".join(alternatives) + ")")
    return " & ".join(parts)


def _proxy_sql(column: str, token: str) -> tuple[str, list]:
    """SQL for `_pair_score` of a query word against the first word of `column` (prefix or
    exact matches only): lets PostgreSQL keep the best-ranked rows of a long index range."""
    word = f"split_part({column}, ' ', 1)"
    sql = f"(CASE WHEN {word} = %s THEN 1.0 ELSE 0.8 + 0.1 * %s / greatest(length({word}), 1) END)"
    return sql, [token, len(token)]


def _pg_usual_order_qs(qs, first: str | None, middle: list[str], last: str | None, exact):
    """People whose first name starts with the first word and last name with the last word.

    Reads the `citizen_search_*_order` B-tree indexes only (they include the name columns), in
    C collation so LIKE 'smi%' is an index range; PostgreSQL keeps the best-ranked rows.
    """
    where, params, order, order_params = [], [], [], []
    if first is not None:
        where.append('search_name COLLATE "C" LIKE %s')
        params.append(f"{first} %" if first in exact else f"{first}%")
        sql, p = _proxy_sql("search_name", first)
        order.append(sql)
        order_params += p
    for token in middle:
        where.append("(' ' || search_name || ' ') LIKE %s")
        params.append(f"% {token} %" if token in exact else f"% {token}%")
    if last is not None:
        where.append('search_last_name COLLATE "C" LIKE %s')
        params.append(f"{last}%")
        sql, p = _proxy_sql("search_last_name", last)
        order.append(sql)
        order_params += p
    ordering = [Collate("search_name", "C"), "id"]
    if last is not None:
        ordering.insert(0, Collate("search_last_name", "C"))
    if all(len(t) >= 3 for t in (first, last) if t is not None):
        ordering.insert(0, RawSQL(" + ".join(order), order_params).desc())
    # else one or two letters ("j", "jo s"): too many people to rank; the first ones in index
    # order come straight off the index.
    return (
        qs.extra(where=where, params=params)
        .order_by(*ordering)
        .values_list(*NAME_COLUMNS)[:USUAL_ORDER_CANDIDATES]
    )


def _pg_name_qs(qs, tokens: list[str], gate: str = "", **tsquery_options):
    """`gate`: SQL that must hold for the tier to be read at all (see _pg_name_candidates)."""
    where = ["to_tsvector('simple'::regconfig, search_keys) @@ to_tsquery('simple', %s)"]
    params = [_tsquery(tokens, **tsquery_options)]
    if gate:
        where.append(gate)
    # No ORDER BY: PostgreSQL stops reading rows at the limit instead of sorting every match.
    return (
        qs.extra(where=where, params=params).order_by().values_list(*NAME_COLUMNS)[:GIN_CANDIDATES]
    )


def _pg_trigram_qs(qs, tokens: list[str]):
    text = " ".join(tokens)
    return qs.extra(
        where=["search_name %% %s"],
        params=[text],
        select={"sim": "similarity(search_name, %s)"},
        select_params=[text],
        order_by=["-sim"],
    ).values_list(*NAME_COLUMNS)[:CANDIDATES]


def _pg_rows(queryset) -> dict[int, tuple]:
    return {row[0]: row[1:] for row in queryset}


def _found(*tiers: str) -> str:
    """SQL: how many people the tiers (CTEs of _pg_tiers_rows) found between them."""
    ids = " UNION ".join(f"SELECT id FROM {t}" for t in tiers)
    return f"(SELECT count(*) FROM ({ids}) found)"


def _pg_tiers_rows(usual: list, later: list[tuple[str, object]]) -> dict[str, dict[int, tuple]]:
    """Rows of the usual-order querysets (one tier, "usual") and of the `later` tiers, named,
    in one statement: each a CTE, a later tier's gate (SQL on the tiers before it, by name) a
    constant for PostgreSQL (a "One-Time Filter"), so a tier not needed is never read."""
    columns = ", ".join(NAME_COLUMNS)
    ctes, params = [], []
    for i, queryset in enumerate(usual):
        sql, p = queryset.query.sql_with_params()
        ctes.append(f"usual{i} AS ({sql})")
        params += p
    union = " UNION ALL ".join(f"SELECT {columns} FROM usual{i}" for i in range(len(usual)))
    ctes.append(f"usual AS MATERIALIZED ({union})")
    for name, queryset in later:
        sql, p = queryset.query.sql_with_params()
        ctes.append(f"{name} AS MATERIALIZED ({sql})")
        params += p
    select = " UNION ALL ".join(
        f"SELECT '{name}', {columns} FROM {name}" for name in ["usual", *(n for n, _q in later)]
    )
    found: dict[str, dict[int, tuple]] = {name: {} for name in ["usual", *(n for n, _q in later)]}
    with connection.cursor() as cursor:
        cursor.execute(f"WITH {', '.join(ctes)} {select}", params)
        for name, pk, *values in cursor.fetchall():
            found[name][pk] = tuple(values)
    return found


def _pg_name_candidates(qs, tokens: list[str], limit: int) -> dict[int, tuple]:
    """Tiers, cheapest and most likely first; each later tier only when it could still matter.

    1. Usual order ("John Smith", "Jo Smi"; a single word as a last or a first name) from
       B-tree indexes, best-ranked first. If a page of them already scores as high as a
       reordered or middle-name match can (1.0), nothing else could rank above them.
    2. Fewer than a page: the words as typed in any order or name (reordered "Smith John",
       middle and known-as names), last word as a prefix. Otherwise only every word exactly
       (cheap), since a reordered exact match can still rank among the usual-order ones.
    3. Fewer than ten: swapped letters (Smtih); still fewer: sound-alikes (Smyth) too.
    4. Nothing yet: every word as a prefix ("Marg Thom"), then trigram similarity.

    Two words or more (what agents type: a caller's first and last name) seldom fill a page
    in the usual order, so tiers 1-3 are one statement (`_pg_tiers_rows`) with each tier's
    condition in SQL. A single word usually fills a page: its tiers stay one query each, only
    when needed, as do the exact words and tier 4 (rare).
    """
    exact = {t for i, t in enumerate(tokens) if not _prefix(tokens, i)}
    few = min(limit, 10)
    if len(tokens) == 1:
        usual = [
            _pg_usual_order_qs(qs, None, [], tokens[0], exact),
            _pg_usual_order_qs(qs, tokens[0], [], None, exact),
        ]
        later = []
    else:
        usual = [_pg_usual_order_qs(qs, tokens[0], tokens[1:-1], tokens[-1], exact)]
        later = [
            ("words", _pg_name_qs(qs, tokens, gate=f"{_found('usual')} < {limit:d}")),
            (
                "letters",
                _pg_name_qs(
                    qs, tokens, gate=f"{_found('usual', 'words')} < {few:d}", keys="letters"
                ),
            ),
            (
                "sounds",
                _pg_name_qs(
                    qs, tokens, gate=f"{_found('usual', 'words', 'letters')} < {few:d}", keys="all"
                ),
            ),
        ]
    found = _pg_tiers_rows(usual, later)
    rows = found.pop("usual")
    best = sorted((_score_row(r, tokens) for r in rows.values()), reverse=True)
    if len(best) >= limit and best[limit - 1] >= 1.0:
        return rows
    if later:  # tiers 2 and 3 read already, as their gates said
        for tier in found.values():
            rows.update(tier)
        if len(best) >= limit:
            rows.update(_pg_rows(_pg_name_qs(qs, tokens, exact=True)))
    else:
        if len(rows) < limit:
            rows.update(_pg_rows(_pg_name_qs(qs, tokens)))  # includes every exact match
        else:
            rows.update(_pg_rows(_pg_name_qs(qs, tokens, exact=True)))
        if len(rows) < few:
            # Swapped letters (the likeliest typo) match precisely; sound-alikes match many
            # more people, so they only fill in when there are still few.
            rows.update(_pg_rows(_pg_name_qs(qs, tokens, keys="letters")))
            if len(rows) < few:
                rows.update(_pg_rows(_pg_name_qs(qs, tokens, keys="all")))
    if not rows and len(tokens) > 1:
        rows = _pg_rows(_pg_name_qs(qs, tokens, all_prefix=True))  # "Marg Thom"
    if not rows:
        rows = _pg_rows(_pg_trigram_qs(qs, tokens))
    return rows


def _like_name_ids(qs, tokens: list[str], fuzzy: bool) -> list[int]:
    for token in tokens:
        q = Q(search_keys__startswith=token) | Q(search_keys__contains=f" {token}")
        if fuzzy:
            for key in _keys(token):
                q |= Q(search_keys__contains=f" {key} ") | Q(search_keys__endswith=f" {key}")
        qs = qs.filter(q)
    return list(qs.values_list("id", flat=True)[:CANDIDATES])


def _edit_distance_ids(qs, tokens: list[str]) -> list[int]:
    """Last resort on SQLite: surnames within two edits of any query word."""
    surnames = (
        Citizen.objects.filter(status=Citizen.Status.ACTIVE)
        .values_list("search_last_name", flat=True)
        .distinct()[:50000]
    )
    close = {
        s
        for s in surnames
        if s and any(jellyfish.damerau_levenshtein_distance(s, t) <= 2 for t in tokens)
    }
    if not close:
        return []
    return list(qs.filter(search_last_name__in=close).values_list("id", flat=True)[:CANDIDATES])


def _like_name_candidates(qs, tokens: list[str], limit: int) -> dict[int, tuple]:
    ids = _like_name_ids(qs, tokens, fuzzy=False)
    # Sound-alike and swapped-letter matches only when exact/prefix ones are few.
    if len(ids) < min(limit, 10):
        ids += [i for i in _like_name_ids(qs, tokens, fuzzy=True) if i not in set(ids)]
    if not ids:
        ids = _edit_distance_ids(qs, tokens)
    return _name_rows(ids)


def _name_rows(ids) -> dict[int, tuple]:
    rows = Citizen.objects.filter(id__in=ids, status=Citizen.Status.ACTIVE).values_list(
        *NAME_COLUMNS
    )
    return {row[0]: row[1:] for row in rows}


def _name_candidates(parsed: ParsedQuery, limit: int) -> dict[int, tuple]:
    """Candidate people for the name words: {id: (first, middle, last, preferred name)}."""
    qs = _base_queryset(parsed)
    tokens = parsed.names[:6]
    if connection.vendor == "postgresql":
        return _pg_name_candidates(qs, tokens, limit)
    return _like_name_candidates(qs, tokens, limit)


# --- ranking -------------------------------------------------------------------------------


@lru_cache(maxsize=50_000)
def _keys(token: str) -> tuple[str, ...]:
    return tuple(token_keys(token))


@lru_cache(maxsize=50_000)
def _tokens(value: str) -> tuple[str, ...]:
    return tuple(name_tokens(value))


@lru_cache(maxsize=200_000)
def _pair_score(q: str, t: str) -> float:
    if t == q:
        return 1.0
    if t.startswith(q):
        return 0.8 + 0.1 * len(q) / len(t)
    if set(_keys(q)) & set(_keys(t)):
        # Sounds alike or same letters; closer spellings first (Jon: John before Jane).
        return 0.6 + 0.2 * jellyfish.jaro_winkler_similarity(q, t)
    jw = jellyfish.jaro_winkler_similarity(q, t)
    dl = jellyfish.damerau_levenshtein_distance(q, t)
    return max(jw * 0.7 if jw >= 0.8 else 0.0, 0.65 if dl == 1 and len(q) > 3 else 0)


def _token_score(q: str, tokens: Iterable[str]) -> float:
    return max((_pair_score(q, t) for t in tokens), default=0.0)


def _score_row(row: tuple, names: list[str]) -> float:
    """How well (first, middle, last, preferred name) matches the query's name words."""
    if not names:
        return 1.0
    first_name, middle_names, last_name, preferred_name = row
    first = _tokens(first_name) + _tokens(preferred_name)
    last = _tokens(last_name)
    everyone = first + _tokens(middle_names) + last
    total = sum(_token_score(q, everyone) for q in names) / len(names)
    # The usual order ("John Smith", or "Smith" alone) ranks above reordered or middle names.
    if len(names) >= 2:
        if _token_score(names[0], first) >= 0.75 and _token_score(names[-1], last) >= 0.75:
            total += 0.05
    elif last and _token_score(names[0], last) >= 0.75:
        total += 0.03
    return total


def _score(citizen: Citizen, parsed: ParsedQuery) -> float:
    return _score_row(
        (citizen.first_name, citizen.middle_names, citizen.last_name, citizen.preferred_name),
        parsed.names,
    )


def _reason(citizen, parsed: ParsedQuery, score: float) -> str:
    reasons = []
    if parsed.names:
        reasons.append("Name" if score >= 0.95 else "Similar name")
    if parsed.dob:
        reasons.append("Date of birth")
    if parsed.postcode or parsed.district:
        reasons.append("Postcode")
    return ", ".join(reasons)


def results_queryset(ids):
    return Citizen.objects.filter(id__in=ids).prefetch_related(
        Prefetch("addresses", queryset=Address.objects.filter(is_current=True), to_attr="current"),
        "emails",
        "phones",
        Prefetch(
            "assistance_flags",
            queryset=AssistanceFlag.objects.filter(active=True),
            to_attr="active_flags",
        ),
    )


# What a results row shows, per citizen: {attribute: (model, extra condition)}.
RESULT_RELATED = {
    "current": (Address, "is_current"),
    "emails": (EmailAddress, ""),
    "phones": (PhoneNumber, ""),
    "active_flags": (AssistanceFlag, "active"),
}
# Filled as prefetch_related would (templates and serializers call `.emails.all()`).
RESULT_PREFETCHED = ("addresses", "emails", "phones")


def _ordering_sql(model) -> str:
    parts = []
    for name in [*model._meta.ordering, "id"]:
        column = model._meta.get_field(name.lstrip("-")).column
        parts.append(f'r."{column}"' + (" DESC" if name.startswith("-") else ""))
    return ", ".join(parts)


def _from_json(model, data: dict):
    fields = model._meta.concrete_fields
    values = [None if data[f.column] is None else f.to_python(data[f.column]) for f in fields]
    return model.from_db(connection.alias, [f.attname for f in fields], values)


def pg_citizens_with_related(
    ids, related: dict = RESULT_RELATED, annotations: dict[str, str] | None = None
) -> list[Citizen]:
    """Citizens with their related rows in one round trip (PostgreSQL) instead of one per
    relation: the rows come back as JSON arrays, built into model instances and cached as
    prefetch_related would (`related`: {attribute: (model, condition column)}; attributes in
    RESULT_PREFETCHED as the relation's manager, others as plain lists). `annotations`:
    {attribute: SQL on the citizen row `c`}."""
    annotations = annotations or {}
    fields = Citizen._meta.concrete_fields
    selects = [f'c."{f.column}"' for f in fields]
    for model, condition in related.values():
        where = "r.citizen_id = c.id" + (f' AND r."{condition}"' if condition else "")
        selects.append(
            f"(SELECT coalesce(json_agg(to_json(r) ORDER BY {_ordering_sql(model)}), '[]') "
            f"FROM {model._meta.db_table} r WHERE {where})"
        )
    selects += annotations.values()
    sql = f"SELECT {', '.join(selects)} FROM {Citizen._meta.db_table} c WHERE c.id = ANY(%s)"
    with connection.cursor() as cursor:
        cursor.execute(sql, [list(ids)])
        rows = cursor.fetchall()
    citizens = []
    extra = len(fields) + len(related)
    for row in rows:
        citizen = Citizen.from_db(
            connection.alias, [f.attname for f in fields], row[: len(fields)]
        )
        citizen._prefetched_objects_cache = {}
        for (attr, (model, _condition)), data in zip(
            related.items(), row[len(fields) : extra], strict=True
        ):
            related_rows = [_from_json(model, item) for item in data]
            for obj in related_rows:
                model._meta.get_field("citizen").set_cached_value(obj, citizen)
            if attr in RESULT_PREFETCHED:
                qs = model.objects.all()
                qs._result_cache, qs._prefetch_done = related_rows, True
                citizen._prefetched_objects_cache[attr] = qs
            else:
                setattr(citizen, attr, related_rows)
        for attr, value in zip(annotations, row[extra:], strict=True):
            setattr(citizen, attr, value)
        citizens.append(citizen)
    return citizens


def _results(ids) -> list[Citizen]:
    if connection.vendor == "postgresql":
        return pg_citizens_with_related(ids)
    return list(results_queryset(ids))


def citizen_search(*, query: str, limit: int = 25) -> list[Citizen]:
    """Ranked quick-search results, best first; each has `.search_score`, `.match_reason`."""
    parsed = query if isinstance(query, ParsedQuery) else parse_query(query)
    if parsed.is_empty:
        return []
    ident_ids, ident_reasons = _identifier_ids(parsed) if parsed.has_identifier else (set(), {})
    rows: dict[int, tuple] = {}
    if parsed.names or parsed.dob or parsed.postcode or (parsed.district and not ident_ids):
        if parsed.names:
            rows = _name_candidates(parsed, limit)
            name_ids = set(rows)
        else:
            qs = _base_queryset(parsed)
            if parsed.district and not parsed.postcode:
                qs = qs.filter(
                    id__in=Address.objects.filter(
                        postcode_compact__startswith=parsed.district
                    ).values("citizen_id")
                )
            name_ids = set(
                qs.order_by("search_last_name", "first_name", "id").values_list("id", flat=True)[
                    :limit
                ]
            )
        both = ident_ids & name_ids
        ids = both if both else ident_ids | name_ids
    else:
        ids = ident_ids
    missing = ids - rows.keys()
    if missing and (parsed.names or len(ids) > limit):
        rows.update(_name_rows(missing))
    if rows:
        # Rank on the name columns, then load the whole records of the best ones only.
        ranked = []
        for pk in ids & rows.keys():
            score = _score_row(rows[pk], parsed.names) + (1.0 if pk in ident_ids else 0.0)
            if score >= 0.5:
                first_name, _middle, last_name, _preferred = rows[pk]
                ranked.append((-score, last_name, first_name, pk))
        ranked.sort()
        best = {pk: -score for score, _last, _first, pk in ranked[:limit]}
        order = {pk: i for i, pk in enumerate(best)}
        citizens = sorted(_results(best), key=lambda c: order[c.id])
    else:
        # A few people found by identifier, postcode or date of birth alone: load them whole.
        citizens = [c for c in _results(ids) if c.status == Citizen.Status.ACTIVE]
        citizens.sort(key=lambda c: (c.id not in ident_ids, c.last_name, c.first_name, c.id))
        citizens = citizens[:limit]
        best = {c.id: 1.0 + (1.0 if c.id in ident_ids else 0.0) for c in citizens}
    for c in citizens:
        c.search_score = best[c.id]
        c.match_reason = ident_reasons.get(c.id) or _reason(c, parsed, c.search_score)
    return citizens
