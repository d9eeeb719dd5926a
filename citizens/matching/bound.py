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

from citizens.matching.compare import (
    MISSING,
    Level,
    _close,
    address,
    date_of_birth,
    email,
    names_swapped,
    phone,
)
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

    def exact(self, comparison: str, value: str, household: bool) -> float:
        key = (comparison, value, household)
        w = self.tf.get(key)
        if w is None:
            w = self.params.weight(Level(comparison, "exact", tf_value=value), household=household)
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
    float rounding, plus a millionth).
    """
    w = _weights(params or parameters_current())
    lw = w.level
    addr = address(a, b)
    hh = addr.level == "same"
    total = w.prior + lw["address", addr.level, hh]
    dob = date_of_birth(a, b)
    if dob.level == "exact":
        total += w.exact("date_of_birth", dob.tf_value, hh)
    else:
        total += lw["date_of_birth", dob.level, hh]
    total += lw["email", email(a, b).level, hh] + lw["phone", phone(a, b).level, hh]

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
    elif _other_name(fa, fb, a, b):
        first = lw["first_name", "other_name", hh]
    else:
        first_open = True
        first = max(lw["first_name", "typo", hh], lw["first_name", "different", hh])
    # Surname, as compare.last_name, leaving "typo or different" open.
    last, last_open = _last_bound(la, lb, w, hh)
    # Names entered the other way round: only possible with all four names and first names
    # that differ; then the first name is "swapped" and the surname compared crosswise.
    swap_possible = bool(fa and fb and la and lb) and fa != fb
    if swap_possible:
        cross, cross_open = _last_bound(la, fb, w, hh)
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
                typo = _close(la.replace(" ", ""), fb)
                cross = lw["last_name", "typo" if typo else "different", hh]
            return total + lw["first_name", "swapped", hh] + cross + _SLACK
        bound = total + first + last
        if bound + _SLACK < floor:
            return bound + _SLACK
    if first_open:
        first = lw["first_name", "typo" if _close(fa, fb) else "different", hh]
    if last_open:
        la_, lb_ = la.replace(" ", ""), lb.replace(" ", "")
        last = lw["last_name", "typo" if _close(la_, lb_) else "different", hh]
    return total + first + last + _SLACK


def _last_bound(la: str, lb: str, w: _Weights, hh: bool) -> tuple[float, bool]:
    """(weight or its bound, whether still open) for surnames la and lb, as compare.last_name."""
    lw = w.level
    if not la or not lb:
        return 0.0, False
    if la == lb:
        return w.exact("last_name", la, hh), False
    if set(la.split()) & set(lb.split()):
        return lw["last_name", "part", hh], False
    return max(lw["last_name", "typo", hh], lw["last_name", "different", hh]), True


def may_reach(
    a: PersonRecord, b: PersonRecord, floor: float, params: Parameters | None = None
) -> bool:
    """False only when `score_pair(a, b)` is certainly below `floor`: skip the pair then."""
    return score_upper_bound(a, b, params, floor=floor) >= floor


__all__ = ["may_reach", "score_upper_bound"]
