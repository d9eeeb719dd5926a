"""The pre-filter (`citizens.matching.bound`) never drops a pair that reaches the floor.

Checked pair by pair on the labelled register (`bench/matching_register.py`: households,
planted near-duplicates of every kind, look-alike strangers) and on pairs built to be awkward
(swapped names, initials, previous addresses, missing values), under the default parameters
and under parameters with household and term-frequency figures of an estimated register.
"""

import dataclasses
import datetime
import itertools
import random

import pytest

from bench.matching_register import generate
from citizens.matching import matcher
from citizens.matching.bound import may_reach, score_upper_bound
from citizens.matching.parameters import Parameters
from citizens.matching.records import AddressKey, PersonRecord, record_from_data

FLOORS = (-14.0, -8.0, -2.0, 0.0, 8.0)


def _estimated_parameters() -> Parameters:
    """Figures of the kind `parameters_estimate` writes: another prior, TF for dates, etc."""
    p = Parameters()
    p.prior = 1e-6
    p.register_size = 1_000_000
    p.tf["date_of_birth"] = {"1900-01-01": 0.002, "1980-05-05": 0.0001}
    p.tf_floor["date_of_birth"] = 0.00003
    p.u_household["address"] = {"same": 0.5, "previous": 0.1, "postcode": 0.2, "area": 0.1,
                                "different": 0.1}  # fmt: skip
    p.u["first_name"]["swapped"] = 0.001
    return p


@pytest.fixture(scope="module")
def labelled_pairs():
    people, truth = generate(n=3000, seed=7)
    records = {p["key"]: record_from_data(p, id=p["key"]) for p in people}
    rng = random.Random(7)
    # Some stored records have moved: give a few a previous address of a neighbour's.
    keys = sorted(records)
    for key in rng.sample(keys, 200):
        other = records[rng.choice(keys)]
        mine = records[key]
        if other.addresses and mine.addresses:
            old = dataclasses.replace(other.addresses[0], is_current=False)
            records[key] = dataclasses.replace(mine, addresses=[*mine.addresses, old])
    pairs = {(a, b) for a, b, _kind in truth["duplicates"] + truth["strangers"]}
    blocks: dict = {}
    for r in records.values():
        blocks.setdefault(("dob", r.dob), []).append(r.id)
        for a in r.addresses:
            blocks.setdefault(("pc", a.postcode), []).append(r.id)
        blocks.setdefault(("last", r.last), []).append(r.id)
    for ids in blocks.values():
        pairs.update(itertools.permutations(ids[:12], 2))
    pairs.update((rng.choice(keys), rng.choice(keys)) for _ in range(3000))
    pairs |= {(b, a) for a, b in pairs}
    return records, sorted((a, b) for a, b in pairs if a != b)


def _awkward_records() -> list[PersonRecord]:
    home = AddressKey("LS11AA", "12 high", "", "leeds", True, "12 High Street")
    old = AddressKey("LS11AB", "3 mill", "100", "leeds", False, "3 Mill Lane")
    elsewhere = AddressKey("M11AA", "1 park", "100", "manchester", True, "1 Park Avenue")
    out = []
    names = [("john", "smith"), ("smith", "john"), ("jon", "smyth"), ("j", "smith"),
             ("robert", "jones"), ("bob", "jones smith"), ("", "smith"), ("john", ""),
             ("smtih", "john"), ("mary", "o brien"), ("brien", "mary"), ("m", "j")]  # fmt: skip
    dates = [None, *(datetime.date(*d) for d in
             ((1980, 5, 6), (1980, 6, 5), (1981, 5, 6), (1980, 5, 16), (1952, 5, 6)))]  # fmt: skip
    addresses = [[], [home], [home, old], [elsewhere], [elsewhere, home]]
    rng = random.Random(3)

    def some(values):
        return frozenset(rng.sample(values, rng.randint(0, 1)))

    for n, ((first, last), dob, adds) in enumerate(itertools.product(names, dates, addresses)):
        out.append(
            PersonRecord(
                id=n,
                first=first,
                first_raw=first,
                last=last,
                last_raw=last,
                other_names=some(["bob", "john", "ann", "smith"]),
                dob=dob,
                addresses=[dataclasses.replace(a, is_current=i == 0) for i, a in enumerate(adds)],
                emails=some(["a@x.org", "b@x.org"]),
                phones=some(["+447700900001", "+447700900002"]),
            )
        )
    return out


@pytest.mark.parametrize("params", [Parameters(), _estimated_parameters()], ids=["default", "est"])
def test_the_bound_never_falls_below_the_score(labelled_pairs, params):
    records, pairs = labelled_pairs
    awkward = _awkward_records()
    crossed = random.Random(5).sample(list(itertools.product(awkward, awkward)), 15_000)
    every = [(records[a], records[b]) for a, b in pairs] + crossed
    reached = 0
    for a, b in every:
        score = matcher._weigh(a, b, params)[3]
        assert score_upper_bound(a, b, params) >= score, (a, b)
        # Fully refined, the bound is the score itself.
        assert score_upper_bound(a, b, params) == pytest.approx(score, abs=1e-5)
        for floor in FLOORS:
            if score >= floor:
                reached += 1
                assert may_reach(a, b, floor, params), (a, b, floor)
    assert reached > 1000  # the set holds plenty of pairs at every threshold


def test_results_are_the_same_with_and_without_the_pre_filter(labelled_pairs, monkeypatch):
    records, pairs = labelled_pairs
    params = Parameters()
    limits = matcher.thresholds()

    def scored():
        return list(matcher.score_pairs(pairs, records, floor=-8.0, params=params, limits=limits))

    with_filter = scored()
    monkeypatch.setattr(matcher, "may_reach", lambda *args: True)
    without = scored()
    assert len(with_filter) > 300
    assert with_filter == without


def test_the_pre_filter_skips_most_strangers(labelled_pairs):
    records, pairs = labelled_pairs
    params = Parameters()
    kept = sum(may_reach(records[a], records[b], -8.0, params) for a, b in pairs)
    assert kept < len(pairs) / 2
