"""Fellegi–Sunter parameters: m and u probabilities per comparison level, term frequencies
and the prior, with the estimation that learns u, frequencies and prior from the register.

- m (how often the SAME person's two records agree at a level) describes how records of one
  person drift apart: typing errors, nicknames, a move, a change of name. It cannot be
  counted without labelled pairs, so it is set here from those error rates (see
  docs/matching.md) and checked on the labelled bench set.
- u (how often two DIFFERENT people agree at a level) is a property of the register's own
  population and is estimated from it: exactly for the exact-agreement levels (the sum of
  squared value frequencies is what random sampling would converge to), and by scoring random
  pairs of a random sample for the fuzzy levels, as Splink's `estimate_u_using_random_sampling`.
- Household u: people at the same address are far more alike than random pairs (a shared
  surname, a shared landline, twins); those u are estimated from pairs of different records at
  one address, and used whenever the address agrees, so a household is not mistaken for one
  person counted twice.
- Term frequencies: an exact first name, surname or date of birth weighs log2(m / tf(value)),
  so "Smith" counts for less than "Trevithick" and a placeholder 01/01/1900 for almost nothing.
- Prior: the probability that two random records are one person, from the pairs agreeing on
  first name, surname and date of birth divided by the share of true pairs that rule finds
  (Splink's `estimate_probability_two_random_records_match`), with a floor.
"""

import math
import random
import time
from collections import Counter
from dataclasses import dataclass, field

from django.utils import timezone

from citizens.matching import uk_names
from citizens.matching.compare import MISSING, Level, compare

LEVELS = {
    "first_name": ["exact", "nickname", "other_name", "typo", "initial", "swapped", "different"],
    "last_name": ["exact", "part", "typo", "different"],
    "date_of_birth": ["exact", "day_month_swapped", "one_off", "different"],
    "address": ["same", "previous", "postcode", "area", "different"],
    "email": ["exact", "different"],
    "phone": ["exact", "different"],
}

# How one person's two records compare (see docs/matching.md for where each figure comes from).
M = {
    "first_name": {
        "exact": 0.86,
        "nickname": 0.04,
        "other_name": 0.015,
        "typo": 0.04,
        "initial": 0.015,
        "swapped": 0.01,
        "different": 0.02,
    },
    "last_name": {"exact": 0.84, "part": 0.04, "typo": 0.04, "different": 0.08},
    "date_of_birth": {
        "exact": 0.92,
        "day_month_swapped": 0.02,
        "one_off": 0.05,
        "different": 0.01,
    },
    "address": {"same": 0.6, "previous": 0.1, "postcode": 0.04, "area": 0.1, "different": 0.16},
    "email": {"exact": 0.7, "different": 0.3},
    "phone": {"exact": 0.7, "different": 0.3},
}

# Defaults until the register has been estimated (a borough-sized register of 250,000).
DEFAULT_SIZE = 250_000
U = {
    "first_name": {
        "exact": 0.007,
        "nickname": 0.0008,
        "other_name": 0.004,
        "typo": 0.0026,
        "initial": 0.002,
        "swapped": 0.00001,
        "different": 0.985,
    },
    "last_name": {"exact": 0.0014, "part": 0.00005, "typo": 0.0002, "different": 0.998},
    "date_of_birth": {
        "exact": 0.00006,
        "day_month_swapped": 0.00002,
        "one_off": 0.0013,
        "different": 0.9986,
    },
    "address": {
        "same": 0.000009,
        "previous": 0.000001,
        "postcode": 0.00014,
        "area": 0.06,
        "different": 0.94,
    },
    "email": {"exact": 0.0000001, "different": 1.0},
    "phone": {"exact": 0.000001, "different": 1.0},
}
U_HOUSEHOLD = {
    "first_name": {
        "exact": 0.015,
        "nickname": 0.001,
        "other_name": 0.0025,
        "typo": 0.0025,
        "initial": 0.002,
        "swapped": 0.00005,
        "different": 0.977,
    },
    "last_name": {"exact": 0.64, "part": 0.007, "typo": 0.0026, "different": 0.35},
    "date_of_birth": {
        "exact": 0.012,
        "day_month_swapped": 0.00005,
        "one_off": 0.0022,
        "different": 0.986,
    },
    "email": {"exact": 0.02, "different": 0.98},
    "phone": {"exact": 0.18, "different": 0.82},
}
# Share of records with a duplicate assumed when the register has not been estimated.
DEFAULT_DUPLICATE_RATE = 0.02
TF_COMPARISONS = ("first_name", "last_name", "date_of_birth")
# Frequency tables keep the commonest values only; rarer ones get the table's smallest count.
TF_KEEP = {"first_name": 5000, "last_name": 20000, "date_of_birth": 500}


@dataclass
class Parameters:
    m: dict = field(default_factory=lambda: {k: dict(v) for k, v in M.items()})
    u: dict = field(default_factory=lambda: {k: dict(v) for k, v in U.items()})
    u_household: dict = field(default_factory=lambda: {k: dict(v) for k, v in U_HOUSEHOLD.items()})
    prior: float = 2 * DEFAULT_DUPLICATE_RATE / DEFAULT_SIZE
    register_size: int = DEFAULT_SIZE
    # comparison -> {value: frequency}; until estimated, national name shares (uk_names).
    tf: dict = field(
        default_factory=lambda: {
            "first_name": dict(uk_names.FIRST_NAMES),
            "last_name": dict(uk_names.SURNAMES),
        }
    )
    # comparison -> frequency assumed for a value not in its table
    tf_floor: dict = field(
        default_factory=lambda: {
            "first_name": uk_names.FIRST_NAME_FLOOR,
            "last_name": uk_names.SURNAME_FLOOR,
        }
    )
    estimated_at: str = ""

    def as_json(self) -> dict:
        return {
            "m": self.m,
            "u": self.u,
            "u_household": self.u_household,
            "prior": self.prior,
            "register_size": self.register_size,
            "tf": self.tf,
            "tf_floor": self.tf_floor,
            "estimated_at": self.estimated_at,
        }

    @classmethod
    def from_json(cls, data: dict) -> "Parameters":
        p = cls()
        for key in ("u", "u_household"):
            for comparison, levels in (data.get(key) or {}).items():
                getattr(p, key).setdefault(comparison, {}).update(levels)
        p.prior = data.get("prior") or p.prior
        p.register_size = data.get("register_size") or p.register_size
        p.tf = data.get("tf") or p.tf
        p.tf_floor = data.get("tf_floor") or p.tf_floor
        p.estimated_at = data.get("estimated_at", "")
        return p

    @property
    def prior_weight(self) -> float:
        return math.log2(self.prior / (1 - self.prior))

    def u_value(self, level: Level, *, household: bool) -> float:
        table = self.u_household if household and level.comparison in self.u_household else self.u
        u = table[level.comparison][level.level]
        if level.tf_value and not household and level.comparison in self.tf:
            freq = self.tf[level.comparison].get(level.tf_value)
            if freq is None:
                freq = self.tf_floor.get(level.comparison, u)
            # Frequency of the value itself, never rarer than one record in the register.
            u = max(freq, 1 / max(self.register_size, 1))
        return u

    def weight(self, level: Level, *, household: bool) -> float:
        """log2(m/u) of one comparison level: positive is evidence for, negative against."""
        if level.level == MISSING:
            return 0.0
        m = self.m[level.comparison][level.level]
        return math.log2(m / self.u_value(level, household=household))


# --- storage ----------------------------------------------------------------------------------

_cache: dict = {"at": 0.0, "params": None}
CACHE_SECONDS = 300


def parameters_current() -> Parameters:
    """The latest estimated parameters (defaults if none), cached in-process for 5 minutes."""
    now = time.monotonic()
    if _cache["params"] is None or now - _cache["at"] > CACHE_SECONDS:
        from citizens.models import MatchModel

        latest = MatchModel.objects.order_by("-id").values_list("parameters", flat=True).first()
        _cache["params"] = Parameters.from_json(latest) if latest else Parameters()
        _cache["at"] = now
    return _cache["params"]


def parameters_forget() -> None:
    _cache["params"] = None


# --- estimation -------------------------------------------------------------------------------


def _pairs_within(counter: Counter) -> int:
    return sum(c * (c - 1) // 2 for c in counter.values())


def _tf_table(counter: Counter, n: int, keep: int) -> tuple[dict, float]:
    common = counter.most_common(keep)
    table = {value: count / n for value, count in common}
    floor = (common[-1][1] if len(common) == keep else 1) / n
    return table, floor


def _count_levels(pairs, records, counts: dict[str, Counter], only=None) -> int:
    seen = 0
    for a_id, b_id in pairs:
        a, b = records.get(a_id), records.get(b_id)
        if a is None or b is None:
            continue
        seen += 1
        for level in compare(a, b):
            if only is None or level.comparison in only:
                counts[level.comparison][level.level] += 1
    return seen


def _u_from_counts(counts: dict[str, Counter], levels: dict, minimum: float) -> dict:
    out = {}
    for comparison, names in levels.items():
        c = counts.get(comparison, Counter())
        total = sum(c[name] for name in names)
        if total < 50:
            continue  # too few pairs to say anything: keep the default
        out[comparison] = {name: max(c[name] / total, minimum) for name in names}
    return out


def parameters_estimate(
    *, sample_size=20_000, random_pairs=100_000, household_pairs=40_000, seed=1
):
    """Learn u, household u, term frequencies and the prior from the active register.

    Bounded memory: one pass over names and dates (counters of distinct values), one pass
    over current addresses in postcode order, then samples. Returns Parameters (not saved).
    """
    from citizens.matching.records import line_key, records_for_ids
    from citizens.models import Address, Citizen, PhoneNumber
    from citizens.normalise import name_tokens

    rng = random.Random(seed)
    params = Parameters()
    firsts, lasts, dobs, triples = Counter(), Counter(), Counter(), Counter()
    ids: list[int] = []
    n = 0
    rows = (
        Citizen.objects.active()
        .order_by()
        .values_list("id", "first_name", "search_last_name", "date_of_birth")
    )
    for pk, first_name, last, dob in rows.iterator(chunk_size=20_000):
        n += 1
        # Reservoir sample of ids for the random pairs.
        if len(ids) < sample_size:
            ids.append(pk)
        else:
            j = rng.randrange(n)
            if j < sample_size:
                ids[j] = pk
        tokens = name_tokens(first_name)
        first = tokens[0] if tokens else ""
        if first and len(first) > 1:
            firsts[first] += 1
        if last:
            lasts[last] += 1
        if dob:
            dobs[dob.isoformat()] += 1
        if first and last and dob:
            triples[(first, last, dob)] += 1
    if n < 50:
        return params  # too small to learn from: keep the defaults
    params.register_size = n
    total_pairs = n * (n - 1) / 2

    # Random pairs of a random sample: u for every level.
    records = records_for_ids_chunked(ids, records_for_ids)
    id_list = list(records)
    pairs = set()
    target = min(random_pairs, len(id_list) * (len(id_list) - 1) // 2)
    while len(pairs) < target:
        a, b = rng.sample(id_list, 2)
        pairs.add((min(a, b), max(a, b)))
    counts = {c: Counter() for c in LEVELS}
    _count_levels(pairs, records, counts)
    sampled = _u_from_counts(counts, LEVELS, minimum=0.5 / max(len(pairs), 1))
    for comparison, levels in sampled.items():
        params.u[comparison].update(levels)

    # Exact agreement: the sum of squared frequencies, computed over the whole register.
    exact = {
        "first_name": ("exact", firsts),
        "last_name": ("exact", lasts),
        "date_of_birth": ("exact", dobs),
    }
    for comparison, (level, counter) in exact.items():
        if counter:
            agree = _pairs_within(counter) / total_pairs
            params.u[comparison][level] = max(agree, 1 / total_pairs)
            table, floor = _tf_table(counter, n, TF_KEEP[comparison])
            params.tf[comparison] = table
            # An unlisted date is an ordinary one; an unlisted name is at most as common as
            # the rarest listed.
            params.tf_floor[comparison] = (
                params.u[comparison][level] if comparison == "date_of_birth" else floor
            )

    # Addresses: exact same-place and same-postcode rates from one ordered pass.
    households: list[list[int]] = []
    places, postcodes = Counter(), Counter()
    current_pc, group = None, {}
    addresses = (
        Address.objects.filter(is_current=True, citizen__status=Citizen.Status.ACTIVE)
        .order_by("postcode_compact")
        .values_list("postcode_compact", "line_1", "uprn", "citizen_id")
    )
    for pc, line_1, uprn, cid in addresses.iterator(chunk_size=20_000):
        if pc != current_pc:
            households.extend(m for m in group.values() if 2 <= len(m) <= 12)
            current_pc, group = pc, {}
        key = uprn or line_key(line_1)
        group.setdefault(key, []).append(cid)
        places[(pc, key)] += 1
        postcodes[pc] += 1
    households.extend(m for m in group.values() if 2 <= len(m) <= 12)
    same_place = _pairs_within(places)
    if same_place:
        params.u["address"]["same"] = same_place / total_pairs
        params.u["address"]["postcode"] = max(
            (_pairs_within(postcodes) - same_place) / total_pairs, 1 / total_pairs
        )
    phones = Counter(
        PhoneNumber.objects.filter(citizen__status=Citizen.Status.ACTIVE)
        .values_list("number", flat=True)
        .iterator(chunk_size=20_000)
    )
    if phones:
        params.u["phone"]["exact"] = max(_pairs_within(phones) / total_pairs, 1 / total_pairs)
        params.u["phone"]["different"] = 1 - params.u["phone"]["exact"]

    # Households: u given the same address, from pairs that cannot be one person.
    rng.shuffle(households)
    hh_pairs, hh_ids = [], set()
    for members in households:
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                hh_pairs.append((a, b))
                hh_ids.update((a, b))
        if len(hh_pairs) >= household_pairs:
            break
    if hh_pairs:
        hh_records = records_for_ids_chunked(list(hh_ids), records_for_ids)
        hh_counts = {c: Counter() for c in LEVELS}
        for a_id, b_id in hh_pairs:
            a, b = hh_records.get(a_id), hh_records.get(b_id)
            if a is None or b is None:
                continue
            levels = {lv.comparison: lv for lv in compare(a, b)}
            born_apart = levels["date_of_birth"].level == "different"
            names_apart = levels["first_name"].level == "different"
            for comparison, lv in levels.items():
                # Names are learnt from people born apart, dates of birth from people with
                # other first names: the pairs that could be one person counted twice stay out.
                if comparison in ("first_name", "last_name") and not born_apart:
                    continue
                if comparison == "date_of_birth" and not names_apart:
                    continue
                hh_counts[comparison][lv.level] += 1
        hh = _u_from_counts(
            hh_counts,
            {k: v for k, v in LEVELS.items() if k in U_HOUSEHOLD},
            minimum=0.5 / len(hh_pairs),
        )
        for comparison, levels in hh.items():
            params.u_household[comparison].update(levels)

    # Prior: pairs agreeing on first name, surname and date of birth, over the share of true
    # pairs that agree on all three, never below a 0.5 % duplicate rate.
    rule_recall = M["first_name"]["exact"] * M["last_name"]["exact"] * M["date_of_birth"]["exact"]
    found = _pairs_within(triples) / rule_recall
    params.prior = max(found, 0.005 * n) / total_pairs
    params.estimated_at = timezone.now().isoformat()
    return params


def records_for_ids_chunked(ids, loader, chunk=5000) -> dict:
    out = {}
    for i in range(0, len(ids), chunk):
        out.update(loader(ids[i : i + chunk]))
    return out


def parameters_save(params: Parameters):
    from citizens.models import MatchModel

    row = MatchModel.objects.create(
        parameters=params.as_json(), register_size=params.register_size
    )
    MatchModel.objects.exclude(pk=row.pk).filter(pk__lt=row.pk - 10).delete()
    parameters_forget()
    return row
