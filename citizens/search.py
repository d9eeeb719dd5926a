"""Quick search: one box, any identifier, forgiving about spelling. One service, two engines.

`citizen_search(query=..., limit=...)` parses the text into identifiers (email, phone, postcode
or district, date of birth, citizen/service-account/request references) and name tokens, finds
candidates, and ranks them in Python with the same scoring on every database:

- PostgreSQL: full-text search (`simple` config, GIN index) over `Citizen.search_keys` — name
  tokens (prefix matching), their metaphone/NYSIIS keys (Jon = John, Smyth = Smith) and
  sorted-letter keys (Smtih = Smith) — then pg_trgm similarity on `search_name` (GIN index) as
  a last resort for other misspellings. Identifiers use B-tree indexes on normalised columns.
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

import jellyfish
from django.db import connection
from django.db.models import Prefetch, Q
from django.db.models.functions import Lower

from citizens.models import Address, AssistanceFlag, Citizen, EmailAddress, PhoneNumber
from citizens.normalise import (
    name_tokens,
    phone_normalise,
    reference_compact,
    token_keys,
)

CANDIDATES = 150

_reference_resolvers: list[Callable[[str], Iterable[int]]] = []


def register_reference_resolver(func: Callable[[str], Iterable[int]]):
    """Let another app map a reference (e.g. a request reference) to citizen ids."""
    if func not in _reference_resolvers:
        _reference_resolvers.append(func)
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
        from citizens.models import ServiceAccount

        add(
            ServiceAccount.objects.filter(reference_compact=ref).values_list(
                "citizen_id", flat=True
            ),
            "Service account reference",
        )
        for resolver in _reference_resolvers:
            add(list(resolver(ref) or []), "Linked reference")
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


def _tsquery(tokens: list[str], fuzzy: bool, all_prefix: bool = False) -> str:
    parts = []
    for i, token in enumerate(tokens):
        # Prefix matching (as-you-type, "Jo Smi") for the last word and short words only: a
        # prefix expands to many index entries, an exact word to one.
        prefix = all_prefix or i == len(tokens) - 1 or len(token) <= 3
        alternatives = [f"{token}:*" if prefix else token]
        if fuzzy:
            alternatives += token_keys(token)
        parts.append("(" + " | ".join(alternatives) + ")")
    return " & ".join(parts)


def _pg_name_ids(qs, tokens: list[str], fuzzy: bool, all_prefix: bool = False) -> list[int]:
    where = "to_tsvector('simple'::regconfig, search_keys) @@ to_tsquery('simple', %s)"
    query = _tsquery(tokens, fuzzy, all_prefix)
    return list(qs.extra(where=[where], params=[query]).values_list("id", flat=True)[:CANDIDATES])


def _pg_trigram_ids(qs, tokens: list[str]) -> list[int]:
    text = " ".join(tokens)
    return list(
        qs.extra(
            where=["search_name %% %s"],
            params=[text],
            select={"sim": "similarity(search_name, %s)"},
            select_params=[text],
            order_by=["-sim"],
        ).values_list("id", flat=True)[:CANDIDATES]
    )


def _like_name_ids(qs, tokens: list[str], fuzzy: bool) -> list[int]:
    for token in tokens:
        q = Q(search_keys__startswith=token) | Q(search_keys__contains=f" {token}")
        if fuzzy:
            for key in token_keys(token):
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


def _name_candidates(parsed: ParsedQuery, limit: int) -> list[int]:
    qs = _base_queryset(parsed)
    tokens = parsed.names[:6]
    postgres = connection.vendor == "postgresql"
    finder = _pg_name_ids if postgres else _like_name_ids
    ids = finder(qs, tokens, fuzzy=False)
    # Sound-alike and swapped-letter matches only when exact/prefix ones are few.
    if len(ids) < min(limit, 10):
        ids += [i for i in finder(qs, tokens, fuzzy=True) if i not in set(ids)]
    if not ids and postgres and len(tokens) > 1:
        ids = _pg_name_ids(qs, tokens, fuzzy=False, all_prefix=True)  # "Marg Thom"
    if not ids:
        ids = _pg_trigram_ids(qs, tokens) if postgres else _edit_distance_ids(qs, tokens)
    return ids


# --- ranking -------------------------------------------------------------------------------


def _token_score(q: str, tokens: list[str]) -> float:
    best = 0.0
    q_keys = set(token_keys(q))
    for t in tokens:
        if t == q:
            return 1.0
        if t.startswith(q):
            score = 0.8 + 0.1 * len(q) / len(t)
        elif q_keys & set(token_keys(t)):
            # Sounds alike or same letters; closer spellings first (Jon: John before Jane).
            score = 0.6 + 0.2 * jellyfish.jaro_winkler_similarity(q, t)
        else:
            jw = jellyfish.jaro_winkler_similarity(q, t)
            dl = jellyfish.damerau_levenshtein_distance(q, t)
            score = max(jw * 0.7 if jw >= 0.8 else 0.0, 0.65 if dl == 1 and len(q) > 3 else 0)
        best = max(best, score)
    return best


def _score(citizen: Citizen, parsed: ParsedQuery) -> float:
    if not parsed.names:
        return 1.0
    first = name_tokens(f"{citizen.first_name} {citizen.preferred_name}")
    middle = name_tokens(citizen.middle_names)
    last = name_tokens(citizen.last_name)
    everyone = first + middle + last
    total = sum(_token_score(q, everyone) for q in parsed.names) / len(parsed.names)
    # The usual order ("John Smith", or "Smith" alone) ranks above reordered or middle names.
    if len(parsed.names) >= 2:
        if (
            _token_score(parsed.names[0], first) >= 0.75
            and _token_score(parsed.names[-1], last) >= 0.75
        ):
            total += 0.05
    elif last and _token_score(parsed.names[0], last) >= 0.75:
        total += 0.03
    return total


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


def citizen_search(*, query: str, limit: int = 25) -> list[Citizen]:
    """Ranked quick-search results, best first; each has `.search_score`, `.match_reason`."""
    parsed = query if isinstance(query, ParsedQuery) else parse_query(query)
    if parsed.is_empty:
        return []
    ident_ids, ident_reasons = _identifier_ids(parsed) if parsed.has_identifier else (set(), {})
    if parsed.names or parsed.dob or parsed.postcode or (parsed.district and not ident_ids):
        if parsed.names:
            name_ids = _name_candidates(parsed, limit)
        else:
            qs = _base_queryset(parsed)
            if parsed.district and not parsed.postcode:
                qs = qs.filter(
                    id__in=Address.objects.filter(
                        postcode_compact__startswith=parsed.district
                    ).values("citizen_id")
                )
            name_ids = list(
                qs.order_by("search_last_name", "first_name", "id").values_list("id", flat=True)[
                    :limit
                ]
            )
        both = ident_ids & set(name_ids)
        ids = both if both else ident_ids | set(name_ids)
    else:
        ids = ident_ids
    # Rank on a few columns first, then load the full rows of the best ones only.
    rows = list(
        Citizen.objects.filter(id__in=ids, status=Citizen.Status.ACTIVE).only(
            "id", "first_name", "middle_names", "last_name", "preferred_name"
        )
    )
    scores = {c.id: _score(c, parsed) + (1.0 if c.id in ident_ids else 0.0) for c in rows}
    rows = [c for c in rows if scores[c.id] >= 0.5]
    rows.sort(key=lambda c: (-scores[c.id], c.last_name, c.first_name, c.id))
    best = [c.id for c in rows[:limit]]
    citizens = sorted(results_queryset(best), key=lambda c: best.index(c.id))
    for c in citizens:
        c.search_score = scores[c.id]
        c.match_reason = ident_reasons.get(c.id) or _reason(c, parsed, c.search_score)
    return citizens
