"""The bulk matcher on a labelled register: blocking as set operations and the score's upper
bound drop pairs, never a match. Every stored person, matched in one batch, gets exactly what
one check gives them; and the bound is never below the score of any blocked pair."""

import math

import pytest
from django.db import connection

from bench.matching_register import generate
from citizens.matching import match_candidates, match_candidates_many, records_for_ids
from citizens.matching.bulk import Bound, candidates_bounded
from citizens.matching.matcher import _blocking_terms, _weigh, candidate_ids, thresholds
from citizens.matching.parameters import parameters_current
from citizens.models import Address, Citizen, EmailAddress, PhoneNumber
from citizens.normalise import name_normalise, postcode_compact

pytestmark = pytest.mark.django_db


@pytest.fixture
def labelled():
    """600 people: households, planted near-duplicates of every kind and look-alikes."""
    people, truth = generate(600, seed=7, planted_share=0.08)
    citizens = Citizen.objects.bulk_create(
        [
            Citizen(
                reference=f"T{p['key']:07d}",
                first_name=p["first_name"],
                middle_names=p["middle_names"],
                last_name=p["last_name"],
                date_of_birth=p["date_of_birth"],
                search_name=name_normalise(
                    f"{p['first_name']} {p['middle_names']} {p['last_name']}"
                ),
                search_last_name=name_normalise(p["last_name"]),
            )
            for p in people
        ]
    )
    ids = {p["key"]: c.pk for p, c in zip(people, citizens, strict=True)}
    Address.objects.bulk_create(
        Address(
            citizen_id=ids[p["key"]],
            line_1=p["address_line_1"],
            town=p["town"],
            postcode=p["postcode"],
            postcode_compact=postcode_compact(p["postcode"]),
            uprn=p["uprn"],
            is_current=True,
        )
        for p in people
        if p["postcode"]
    )
    EmailAddress.objects.bulk_create(
        EmailAddress(citizen_id=ids[p["key"]], email=p["email"]) for p in people if p["email"]
    )
    PhoneNumber.objects.bulk_create(
        PhoneNumber(citizen_id=ids[p["key"]], number=p["phone"]) for p in people if p["phone"]
    )
    return people, truth, ids


def as_tuples(matches):
    return [
        (m.citizen_id, m.score, m.band, m.summary, m.reasons_for, m.reasons_against)
        for m in matches
    ]


@pytest.mark.parametrize("min_band", ["possible", "probable"])
def test_a_whole_register_in_one_batch_matches_as_one_check_each(labelled, min_band):
    _people, truth, ids = labelled
    records = list(records_for_ids(ids.values()).values())
    batch = match_candidates_many(people=records, min_band=min_band)
    # The whole register goes through the batch; every third person is also checked alone
    # (a third of the single checks keeps the test quick on a loaded CI machine).
    sample = range(0, len(records), 3)
    single = [match_candidates(person=records[i], min_band=min_band) for i in sample]
    assert [as_tuples(batch[i]) for i in sample] == [as_tuples(m) for m in single]
    # Planted duplicates are found (the comparison is not between two empty lists).
    found = {(r.id, m.citizen_id) for r, ms in zip(records, batch, strict=True) for m in ms}
    planted = {(ids[a], ids[b]) for a, b, _kind in truth["duplicates"]}
    assert len(planted & found) >= len(planted) * 0.8


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the set-based path is PostgreSQL's")
def test_the_bound_is_never_below_the_score_and_drops_most_pairs(labelled):
    _people, _truth, ids = labelled
    records = list(records_for_ids(ids.values()).values())
    params = parameters_current()
    terms = [_blocking_terms(r) for r in records]
    everyone, capped = candidates_bounded(
        records, terms, limit=2000, floor=-math.inf, params=params
    )
    assert not capped
    assert everyone == [candidate_ids(r) - {r.id} for r in records]
    floor = thresholds()["possible"]
    kept, _ = candidates_bounded(records, terms, limit=2000, floor=floor, params=params)
    loaded = records_for_ids({i for ids_ in everyone for i in ids_}, active_only=True)
    pairs = dropped = 0
    for record, blocked, survivors in zip(records, everyone, kept, strict=True):
        for cid in blocked:
            pairs += 1
            score = _weigh(record, loaded[cid], params)[3]
            if cid not in survivors:
                dropped += 1
                assert score < floor, (record, loaded[cid])
    assert dropped > pairs / 2  # the bound does its job: most blocked pairs never load
    assert isinstance(Bound(params).prior, float)


def test_the_review_bound_is_never_below_the_score(labelled):
    """The register review drops a pair on `Bound.upper_records` before scoring it: over every
    pair born on one day or living at one postcode, the bound is at least the score."""
    _people, _truth, ids = labelled
    records = records_for_ids(ids.values())
    params = parameters_current()
    bound = Bound(params)
    groups: dict = {}
    for r in records.values():
        if r.dob:
            groups.setdefault(("d", r.dob), []).append(r)
        for a in r.addresses:
            groups.setdefault(("p", a.postcode), []).append(r)
    pairs = {(x.id, y.id) for g in groups.values() for x in g for y in g if x.id < y.id}
    cut = thresholds()["possible"]
    dropped = 0
    for a, b in pairs:
        upper = bound.upper_records(records[a], records[b], cut)
        score = _weigh(records[a], records[b], params)[3]
        assert upper >= score - 1e-6, (records[a], records[b])
        dropped += upper < cut
    assert dropped > len(pairs) / 2
