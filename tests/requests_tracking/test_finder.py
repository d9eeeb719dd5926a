from datetime import timedelta

import pytest
from django.utils import timezone

from requests_tracking import services
from requests_tracking.finder import LIKELY_SCORE, request_duplicate_candidates
from tests.factories import ContactTypeFactory, GazetteerAddressFactory, ProcessFactory
from tests.requests_tracking.places_helpers import offset

pytestmark = pytest.mark.django_db


@pytest.fixture
def fly_tipping(db):
    return ProcessFactory(code="fly-tipping", name="Fly-tipping", place_based=True)


def _report(process, officer, *, at=None, description="Rubbish dumped", **place):
    lat, lon = at if at is not None else (None, None)
    return services.request_create(
        actor=officer,
        process=process,
        description=description,
        address_line_1=place.pop("address_line_1", "Somewhere"),
        latitude=lat,
        longitude=lon,
        **place,
    )


def _refs(candidates):
    return [c.request.reference for c in candidates]


def test_candidates_by_distance_within_the_process_radius(fly_tipping, officer):
    near = _report(fly_tipping, officer, at=offset(north_m=40))
    _report(fly_tipping, officer, at=offset(north_m=130))  # beyond 100 m
    # Inside the search box's corner but 113 m away: exact distance drops it.
    corner = _report(fly_tipping, officer, at=offset(north_m=80, east_m=80))  # 113 m away
    found = request_duplicate_candidates(
        process=fly_tipping, latitude=offset()[0], longitude=offset()[1]
    )
    assert _refs(found) == [near.reference]
    assert found[0].distance_m == pytest.approx(40, abs=1)
    assert corner.reference not in _refs(found)


def test_radius_is_set_per_process(fly_tipping, officer):
    far = _report(fly_tipping, officer, at=offset(north_m=130))
    here = offset()
    assert (
        request_duplicate_candidates(process=fly_tipping, latitude=here[0], longitude=here[1])
        == []
    )
    fly_tipping.duplicate_radius_m = 150
    fly_tipping.save()
    found = request_duplicate_candidates(process=fly_tipping, latitude=here[0], longitude=here[1])
    assert _refs(found) == [far.reference]


def test_candidates_by_uprn_without_coordinates(fly_tipping, officer):
    same = _report(fly_tipping, officer, uprn="100023336956", address_line_1="1 Friar Street")
    _report(fly_tipping, officer, uprn="100023336957", address_line_1="2 Friar Street")
    found = request_duplicate_candidates(process=fly_tipping, uprn="100023336956")
    assert _refs(found) == [same.reference]
    assert found[0].same_uprn
    assert found[0].distance_m is None


def test_candidates_by_street(fly_tipping, officer):
    on_street = _report(fly_tipping, officer, usrn="21300456", address_line_1="Friar Street")
    _report(fly_tipping, officer, usrn="99999", address_line_1="Other Street")
    found = request_duplicate_candidates(process=fly_tipping, usrn="21300456")
    assert _refs(found) == [on_street.reference]
    assert found[0].same_street
    assert "same street" in found[0].reasons


def test_gazetteer_address_finds_reports_nearby_without_a_map(fly_tipping, officer):
    """An address picked from the gazetteer brings its point: reports 40 m away are found."""
    GazetteerAddressFactory(uprn="555", latitude=offset()[0], longitude=offset()[1])
    near = _report(fly_tipping, officer, at=offset(east_m=40))
    found = request_duplicate_candidates(process=fly_tipping, uprn="555")
    assert _refs(found) == [near.reference]


def test_a_request_raised_at_a_uprn_gets_the_gazetteer_point_and_street(fly_tipping, officer):
    GazetteerAddressFactory(uprn="556", usrn="777", latitude=offset()[0], longitude=offset()[1])
    made = _report(fly_tipping, officer, uprn="556")
    assert (made.usrn, made.latitude, made.longitude) == ("777", *offset())


def test_related_contact_types_both_ways(fly_tipping, officer):
    dumped_type = ContactTypeFactory(name="Bulky waste dumped")
    dumped = ProcessFactory(code="dumped-bulky", name="Dumped bulky waste", place_based=True)
    dumped.contact_types.add(dumped_type)
    graffiti = ProcessFactory(code="graffiti", place_based=True)
    theirs = _report(dumped, officer, at=offset(north_m=20))
    _report(graffiti, officer, at=offset(north_m=10))
    here = offset()
    assert (
        request_duplicate_candidates(process=fly_tipping, latitude=here[0], longitude=here[1])
        == []
    )
    fly_tipping.related_contact_types.add(dumped_type)
    found = request_duplicate_candidates(process=fly_tipping, latitude=here[0], longitude=here[1])
    assert _refs(found) == [theirs.reference]
    assert found[0].related
    # And the other way round: logging dumped bulky waste offers fly-tipping reports.
    tipped = _report(fly_tipping, officer, at=offset(north_m=-20))
    back = request_duplicate_candidates(process=dumped, latitude=here[0], longitude=here[1])
    assert tipped.reference in _refs(back)


def test_every_version_of_the_process_counts(fly_tipping, officer):
    old = _report(fly_tipping, officer, at=offset(north_m=10))
    fly_tipping.is_current = False
    fly_tipping.save()
    new_version = ProcessFactory(code="fly-tipping", version=2, place_based=True)
    found = request_duplicate_candidates(
        process=new_version, latitude=offset()[0], longitude=offset()[1]
    )
    assert _refs(found) == [old.reference]


def test_closed_and_too_old_reports_are_not_candidates(fly_tipping, officer):
    now = timezone.now()
    old = _report(fly_tipping, officer, at=offset(north_m=10))
    old.__class__.objects.filter(pk=old.pk).update(created_at=now - timedelta(days=91))
    done = _report(fly_tipping, officer, at=offset(north_m=5))
    services.request_cancel(actor=officer, service_request=done, reason="Cleared")
    here = offset()
    assert (
        request_duplicate_candidates(process=fly_tipping, latitude=here[0], longitude=here[1])
        == []
    )
    fly_tipping.duplicate_max_age_days = 120
    fly_tipping.save()
    found = request_duplicate_candidates(process=fly_tipping, latitude=here[0], longitude=here[1])
    assert _refs(found) == [old.reference]


def test_ranking_uses_address_distance_and_words(fly_tipping, officer):
    here = offset()
    far_other = _report(fly_tipping, officer, at=offset(north_m=90), description="Tyres dumped")
    near_other = _report(fly_tipping, officer, at=offset(north_m=30), description="Tyres dumped")
    similar = _report(
        fly_tipping, officer, at=offset(north_m=60), description="Old mattress dumped by the gate"
    )
    same_address = _report(
        fly_tipping, officer, at=offset(north_m=70), uprn="42", description="Tyres dumped"
    )
    found = request_duplicate_candidates(
        process=fly_tipping,
        uprn="42",
        latitude=here[0],
        longitude=here[1],
        description="Someone left a matress at the gates",
    )
    assert _refs(found) == [
        same_address.reference,
        similar.reference,
        near_other.reference,
        far_other.reference,
    ]
    assert found[1].shared_words == ["dump", "gate", "mattress"]
    assert found[0].likely
    assert found[0].score >= LIKELY_SCORE
    assert not found[3].likely


def test_newer_reports_rank_above_older_ones_otherwise_equal(fly_tipping, officer):
    older = _report(fly_tipping, officer, at=offset(north_m=30))
    older.__class__.objects.filter(pk=older.pk).update(
        created_at=timezone.now() - timedelta(days=40)
    )
    newer = _report(fly_tipping, officer, at=offset(north_m=-30))
    found = request_duplicate_candidates(
        process=fly_tipping, latitude=offset()[0], longitude=offset()[1]
    )
    assert _refs(found) == [newer.reference, older.reference]
    assert found[1].age_days == 40


def test_at_most_five_by_default(fly_tipping, officer):
    for metres in range(0, 80, 10):
        _report(fly_tipping, officer, at=offset(north_m=metres))
    here = offset()
    assert (
        len(request_duplicate_candidates(process=fly_tipping, latitude=here[0], longitude=here[1]))
        == 5
    )


def test_finder_query_count_does_not_grow_with_candidates(
    fly_tipping, officer, django_assert_max_num_queries
):
    for metres in range(0, 90, 5):
        _report(fly_tipping, officer, at=offset(north_m=metres), uprn="42")
    here = offset()
    with django_assert_max_num_queries(8):
        found = request_duplicate_candidates(
            process=fly_tipping, uprn="42", latitude=here[0], longitude=here[1], limit=10
        )
        assert [c.request.current_stage.name for c in found]
