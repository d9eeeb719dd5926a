"""An exact pre-filter: an upper bound on a pair's match weight, cheaper than scoring it.

Most pairs blocking brings together (people born on one day, neighbours at one postcode) are
strangers far below every threshold. `score_upper_bound` adds up the evidence of the cheap
comparisons exactly (address, date of birth, email, phone, and names where equality or a
table look-up settles the level) and, for what it has not looked at, the best weight that
comparison could still have. Only when that bound reaches the floor asked for does it look
closer (the typo/sound-alike tests, names swapped), each step only lowering the bound, until
the bound is the pair's own score. So a pair is skipped only when its real score is below the
floor: results with and without the pre-filter are the same
(`tests/citizens/test_matching_bound.py` checks it on the labelled register).

    from citizens.matching.bound import may_reach, score_upper_bound

    if may_reach(a, b, floor, params):  # floor: e.g. settings.MATCH_POSSIBLE_SCORE
        match = score_pair(a, b, params)  # only now the full comparison and its words

The weights come from `Parameters.weight` itself (cached per Parameters object), so a change
of m, u or term frequencies cannot make the bound disagree with the score.
"""

import math
from operator import ne

from citizens.matching.compare import MISSING, Level, _close, _digits, names_swapped
from citizens.matching.nicknames import same_name_group
from citizens.matching.parameters import LEVELS, Parameters, parameters_current
from citizens.matching.records import PersonRecord

# Float sums taken in another order may differ in the last bits: never undercut the score.
_SLACK = 1e-6


class _Weights:
    """Parameters.weight, memoised: per (comparison, level, household) and per TF value."""

    def __init__(self, params: Parameters):
        self.params = params
        self.prior = params.prior_weight
        self.level: dict = {}
        for comparison, names in LEVELS.items():
            for name in (*names, MISSING):
                for household in (False, True):
                    self.level[comparison, name, household] = params.weight(
                        Level(comparison, name), household=household
                    )
        self.tf: dict = {}
        # Bounds for "typo or different", not yet told apart.
        self.first_open = {
            h: max(self.level["first_name", lv, h] for lv in ("typo", "different"))
            for h in (False, True)
        }
        self.last_open = {
            h: max(self.level["last_name", lv, h] for lv in ("typo", "different"))
            for h in (False, True)
        }

    def exact(self, comparison: str, value: str, household: bool) -> float:
        key = (comparison, value, household)
        w = self.tf.get(key)
        if w is None:
            w = self.params.weight(Level(comparison, "exact", tf_value=value), household=household)
            self.tf[key] = w
        return w

    def exact_dob(self, dob, household: bool) -> float:
        key = ("date_of_birth", dob, household)
        w = self.tf.get(key)
        if w is None:
            w = self.exact("date_of_birth", dob.isoformat(), household)
            self.tf[key] = w
        return w


def _weights(params: Parameters) -> _Weights:
    cached = params.__dict__.get("_bound_weights")
    if cached is None:
        cached = _Weights(params)
        params.__dict__["_bound_weights"] = cached
    return cached


def _other_name(fa: str, fb: str, a: PersonRecord, b: PersonRecord) -> bool:
    if fa in b.other_names or fb in a.other_names:
        return True
    return any(same_name_group(fa, o) for o in b.other_names) or any(
        same_name_group(fb, o) for o in a.other_names
    )


class _Side:
    """What the bound needs of one record, worked out once per record (a record is compared
    with many: the person being checked with every candidate, a candidate in the review with
    its whole block)."""

    __slots__ = ("adds", "ca", "dob", "digits", "last_set", "last_flat")

    def __init__(self, r: PersonRecord):
        self.adds = r.addresses
        self.ca = r.current_address
        self.dob = r.dob
        self.digits = _digits(r.dob) if r.dob else ()
        self.last_set = frozenset(r.last.split())
        self.last_flat = r.last.replace(" ", "")


def _side(r: PersonRecord) -> _Side:
    # Kept on the record (records are not changed once built; dataclass equality ignores it).
    side = r.__dict__.get("_bound_side")
    if side is None:
        side = r.__dict__["_bound_side"] = _Side(r)
    return side


def _address_level(sa: _Side, sb: _Side) -> str:
    """compare.address's level."""
    if not sa.adds or not sb.adds:
        return MISSING
    ca, cb = sa.ca, sb.ca
    if ca and cb and ca.same_place(cb):
        return "same"
    for x in sa.adds:
        for y in sb.adds:
            if x.same_place(y):
                return "previous"
    if not (ca and cb):
        return MISSING
    if ca.postcode and ca.postcode == cb.postcode:
        return "postcode"
    if (ca.outward and ca.outward == cb.outward) or (ca.town and ca.town == cb.town):
        return "area"
    return "different"


def _dob_level(sa: _Side, sb: _Side) -> str:
    """compare.date_of_birth's level."""
    da, db = sa.dob, sb.dob
    if not da or not db:
        return MISSING
    if da == db:
        return "exact"
    if da.year == db.year and da.day == db.month and da.month == db.day:
        return "day_month_swapped"
    if sum(map(ne, sa.digits, sb.digits)) == 1 or (
        da.day == db.day and da.month == db.month and abs(da.year - db.year) == 1
    ):
        return "one_off"
    return "different"


def score_upper_bound(
    a: PersonRecord,
    b: PersonRecord,
    params: Parameters | None = None,
    *,
    floor: float = -math.inf,
) -> float:
    """A number never below the match weight `score_pair(a, b)` computes (unrounded).

    Looks only as closely as it must: once the bound is below `floor` it is returned as it
    stands; with no floor every comparison is settled and the bound is the pair's score (to
    float rounding, plus a millionth). The levels are those of `compare.py` (mirrored here
    without building explanations; the tests compare the two on every kind of pair).
    """
    w = _weights(params or parameters_current())
    lw = w.level
    sa, sb = _side(a), _side(b)
    addr = _address_level(sa, sb)
    hh = addr == "same"
    total = w.prior + lw["address", addr, hh]
    dob = _dob_level(sa, sb)
    if dob == "exact":
        total += w.exact_dob(sa.dob, hh)
    else:
        total += lw["date_of_birth", dob, hh]
    if a.emails and b.emails:
        total += lw["email", "different" if a.emails.isdisjoint(b.emails) else "exact", hh]
    if a.phones and b.phones:
        total += lw["phone", "different" if a.phones.isdisjoint(b.phones) else "exact", hh]

    fa, fb, la, lb = a.first, b.first, a.last, b.last
    # First name, as compare.first_name, leaving "typo or different" open (`first_open`).
    first_open = False
    if not fa or not fb:
        first = 0.0
    elif fa == fb:
        first = lw["first_name", "initial", hh] if len(fa) == 1 else w.exact("first_name", fa, hh)
    elif len(fa) == 1 or len(fb) == 1:
        first = lw["first_name", "initial" if fa[0] == fb[0] else "different", hh]
    elif same_name_group(fa, fb):
        first = lw["first_name", "nickname", hh]
    elif (a.other_names or b.other_names) and _other_name(fa, fb, a, b):
        first = lw["first_name", "other_name", hh]
    else:
        first_open = True
        first = w.first_open[hh]
    # Surname, as compare.last_name, leaving "typo or different" open.
    last_open = False
    if not la or not lb:
        last = 0.0
    elif la == lb:
        last = w.exact("last_name", la, hh)
    elif sa.last_set & sb.last_set:
        last = lw["last_name", "part", hh]
    else:
        last_open = True
        last = w.last_open[hh]
    # Names entered the other way round: only possible with all four names and first names
    # that differ; then the first name is "swapped" and the surname compared crosswise.
    swap_possible = bool(fa and fb and la and lb) and fa != fb
    if swap_possible:
        cross, cross_open = _cross_bound(la, fb, sa, w, hh)
        swapped = lw["first_name", "swapped", hh] + cross
        bound = total + max(first + last, swapped)
    else:
        bound = total + first + last
    if bound + _SLACK < floor:
        return bound + _SLACK
    # Look closer: settle the swap, then the typo tests; each step can only lower the bound.
    if swap_possible:
        if names_swapped(a, b):
            if cross_open:
                cross = lw["last_name", "typo" if _close(sa.last_flat, fb) else "different", hh]
            return total + lw["first_name", "swapped", hh] + cross + _SLACK
        bound = total + first + last
        if bound + _SLACK < floor:
            return bound + _SLACK
    if first_open:
        first = lw["first_name", "typo" if _close(fa, fb) else "different", hh]
    if last_open:
        last = lw["last_name", "typo" if _close(sa.last_flat, sb.last_flat) else "different", hh]
    return total + first + last + _SLACK


def _cross_bound(la: str, fb: str, sa: _Side, w: _Weights, hh: bool) -> tuple[float, bool]:
    """(weight or its bound, still open) of surname la against first name fb (swapped names)."""
    if la == fb:
        return w.exact("last_name", la, hh), False
    if fb in sa.last_set:
        return w.level["last_name", "part", hh], False
    return w.last_open[hh], True


def may_reach(
    a: PersonRecord, b: PersonRecord, floor: float, params: Parameters | None = None
) -> bool:
    """False only when `score_pair(a, b)` is certainly below `floor`: skip the pair then."""
    return score_upper_bound(a, b, params, floor=floor) >= floor


__all__ = ["may_reach", "score_upper_bound"]
