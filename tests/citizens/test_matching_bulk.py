"""The bulk matcher on a labelled register: blocking as set operations and the score's upper
bound drop pairs, never a match. Every stored person, matched in one batch, gets exactly what
one check gives them; and the bound is never below the score of any blocked pair."""

import math

import pytest
from django.db import connection, connections

from bench.matching_register import generate
from citizens.matching import match_candidates, match_candidates_many, records_for_ids
from citizens.matching.bulk import Bound, candidates_bounded
from citizens.matching.matcher import _blocking_terms, _weigh, candidate_ids, thresholds
from citizens.matching.parameters import parameters_current
from citizens.models import Address, Citizen, EmailAddress, PhoneNumber
from citizens.normalise import name_normalise, postcode_compact, search_keys_for

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
                # As the services store them: the database's pre-filter reads their sounds.
                search_keys=search_keys_for(p["first_name"], p["middle_names"], p["last_name"]),
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


# Pairs on whose one difference the decision turns, for the database's pre-filter: each is a
# member of the typed person's household (or, for the dates and contact details, someone
# elsewhere) whose score reaches the floor only because of the one rule it tests — a typo in
# the first letter (substituted, dropped), the same letters in another order, a name spelt from
# another letter that sounds the same, a nickname, an initial, a middle name, a two-part
# surname, names read the other way round, a date one digit off, a year apart or with day and
# month swapped, a Gmail address written with dots and a +tag, one phone number.
TYPED = [
    # (first, middle, last, dob, email, phone) as the person is typed in the file
    ("Mandy", "", "Hughes", "1980-03-12", "", ""),
    ("Amanda", "", "Pickering", "1975-11-02", "", ""),
    ("Enid", "", "Ogden", "1990-07-21", "", ""),
    ("Philip", "", "Nkemelu", "1962-01-30", "", ""),
    ("William", "", "Catterall", "1955-05-15", "", ""),
    ("W", "", "Entwistle", "1970-10-10", "", ""),
    ("Sam", "Jo", "Birtwistle", "1999-09-09", "", ""),
    ("Gemma", "", "Hughes", "1985-06-06", "", ""),
    ("Janet", "", "Phelps", "1972-02-02", "", ""),
    ("Ruth", "", "Smith Jones", "2001-04-04", "", ""),
    ("Elizabeth", "", "Ormerod", "1960-12-12", "", ""),
    ("Oliver", "", "Quayle", "1983-05-07", "", ""),
    ("Harriet", "", "Quinn", "1992-02-14", "harriet.quinn@gmail.com", ""),
    ("Imogen", "", "Fairclough", "1968-08-28", "", "+447700900123"),
    ("Zoë", "", "Marsden", "1994-01-01", "", ""),
]
STORED = [
    # (typed person, first, middle, preferred, last, dob, email, phone, same postcode)
    (0, "Randy", "", "", "Hughes", "1984-07-02", "", "", True),
    (1, "Manda", "", "", "Pickering", "1979-01-20", "", "", True),
    (2, "Dine", "", "", "Ogden", "1993-02-11", "", "", True),
    (3, "Filip", "", "", "Nkemelu", "1965-08-19", "", "", True),
    (4, "Bill", "", "", "Catterall", "1950-09-03", "", "", True),
    (5, "Walter", "", "", "Entwistle", "1977-12-01", "", "", True),
    (4, "W", "", "", "Catterall", "1958-02-27", "", "", True),
    (6, "Jo", "", "", "Birtwistle", "1991-01-01", "", "", True),
    (7, "Gemma", "", "", "Pughes", "1988-03-03", "", "", True),
    (8, "Janet", "", "", "Felps", "1974-04-04", "", "", True),
    (9, "Ruth", "", "", "Jones", "2003-08-08", "", "", True),
    (10, "Ormerod", "", "", "Elizabeth", "1964-03-03", "", "", True),
    (11, "Oliver", "", "", "Quayle", "1983-05-08", "", "", False),
    (11, "Oliver", "", "", "Quayle", "1984-05-07", "", "", False),
    (11, "Oliver", "", "", "Quayle", "1983-07-05", "", "", False),
    (12, "Mabel", "", "", "Quinn", "1992-02-15", "h.a.r.r.i.e.t.quinn+x@gmail.com", "", False),
    (13, "Imogen", "", "", "Barton", "1968-08-28", "", "+447700900123", False),
    (14, "Zoë", "", "", "Marsden", "1996-06-06", "", "", True),
    (14, "Chloë-Ann", "", "", "Marsden", "1994-01-01", "", "", True),
]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the set-based path is PostgreSQL's")
@pytest.mark.parametrize("band", ["possible", "probable"])
def test_the_database_keeps_every_pair_the_bound_would_keep(labelled, band, monkeypatch):
    """The pairs query scores pairs in PostgreSQL and sends only those that can still reach
    the floor: over a register of planted look-alikes and the tricky pairs above, the
    survivors are exactly those the Python bound keeps when every blocked pair is sent, and
    the database sends far fewer pairs."""
    from datetime import date

    from citizens.matching import bulk
    from citizens.matching.records import record_from_data

    _people, _truth, ids = labelled
    postcode = "SW1A 1AA"
    stored = Citizen.objects.bulk_create(
        Citizen(
            reference=f"X{n:07d}",
            first_name=first,
            middle_names=middle,
            preferred_name=preferred,
            last_name=last,
            date_of_birth=date.fromisoformat(dob),
            search_name=name_normalise(f"{first} {middle} {last}"),
            search_last_name=name_normalise(last),
            search_keys=search_keys_for(first, middle, last, preferred),
        )
        for n, (_i, first, middle, preferred, last, dob, _e, _p, _near) in enumerate(STORED)
    )
    Address.objects.bulk_create(
        Address(
            citizen=c,
            line_1=f"{n} High Street",
            postcode=postcode if row[8] else "N1 9GU",
            postcode_compact=postcode_compact(postcode if row[8] else "N1 9GU"),
            is_current=True,
        )
        for n, (c, row) in enumerate(zip(stored, STORED, strict=True))
    )
    EmailAddress.objects.bulk_create(
        EmailAddress(citizen=c, email=row[6])
        for c, row in zip(stored, STORED, strict=True)
        if row[6]
    )
    PhoneNumber.objects.bulk_create(
        PhoneNumber(citizen=c, number=row[7])
        for c, row in zip(stored, STORED, strict=True)
        if row[7]
    )
    typed = [
        record_from_data(
            {
                "first_name": first,
                "middle_names": middle,
                "last_name": last,
                "date_of_birth": date.fromisoformat(dob),
                "email": email,
                "phone": phone,
                "address_line_1": "1 High Street",
                "postcode": postcode,
            }
        )
        for first, middle, last, dob, email, phone in TYPED
    ]
    people = typed + list(records_for_ids(ids.values()).values())
    terms = [_blocking_terms(r) for r in people]
    params = parameters_current()
    floor = thresholds()[band]
    sent = {"calls": 0}
    upper = bulk.Bound.upper

    def counted(self, *args, **kwargs):
        sent["calls"] += 1
        return upper(self, *args, **kwargs)

    monkeypatch.setattr(bulk.Bound, "upper", counted)
    every, capped = candidates_bounded(
        people, terms, limit=2000, floor=floor, params=params, prefilter=False
    )
    all_pairs, sent["calls"] = sent["calls"], 0
    kept, capped_too = candidates_bounded(people, terms, limit=2000, floor=floor, params=params)
    assert (kept, capped_too) == (every, capped)
    # Every tricky pair is kept (the comparison is not between empty sets) …
    for n, row in enumerate(STORED):
        assert stored[n].pk in kept[row[0]], (band, row)
    # … and the database sent a fraction of the blocked pairs.
    assert sent["calls"] < all_pairs / 3


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the set-based path is PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_a_batch_split_over_two_connections_finds_the_same_pairs(labelled, monkeypatch):
    """Outside a transaction a big batch's pairs query runs in two halves at once, the second
    on its own connection: every person gets the same survivors as in one query."""
    from django.db import transaction

    from citizens.matching import bulk

    _people, _truth, ids = labelled
    people = list(records_for_ids(ids.values()).values())
    terms = [_blocking_terms(r) for r in people]
    params = parameters_current()
    floor = thresholds()["possible"]
    monkeypatch.setattr(bulk, "SPLIT_AT", 2)
    started, used = [], []
    in_thread, pair_rows = bulk.InThread, bulk._pair_rows

    def counted(func, args):
        started.append(len(args["w_idx"]))
        return in_thread(func, args)

    def noting_the_connection(args):
        used.append(connections["default"])  # the calling thread's own
        yield from pair_rows(args)

    monkeypatch.setattr(bulk, "InThread", counted)
    monkeypatch.setattr(bulk, "_pair_rows", noting_the_connection)
    with transaction.atomic():  # one query, on this connection
        together = candidates_bounded(people, terms, limit=2000, floor=floor, params=params)
    assert started == []
    apart = candidates_bounded(people, terms, limit=2000, floor=floor, params=params)
    assert started == [len(people) - len(people) // 2]
    assert apart == together
    assert sum(map(len, apart[0])) > 0
    # The second half ran on another connection, closed when it was done.
    others = [w for w in used if w is not connections["default"]]
    assert len(others) == 1
    assert others[0].connection is None
