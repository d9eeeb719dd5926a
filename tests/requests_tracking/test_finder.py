from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from requests_tracking import finder, services
from requests_tracking.finder import LIKELY_SCORE, request_duplicate_candidates
from requests_tracking.models import Evidence, Process
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


# --- The related kinds are kept per process; every change reaches every worker ----------------


def _kinds_queries(captured) -> int:
    return sum("requests_tracking_process_contact_types" in q["sql"] for q in captured)


def _admin_form_data(response) -> dict:
    """The admin change form's current values (main form and inlines), as the browser posts."""
    data = {}

    def add(form):
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            if value is True:
                value = "on"
            if isinstance(value, (list, tuple)):
                value = [getattr(v, "pk", v) for v in value]
            data[form.add_prefix(name)] = getattr(value, "pk", value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        add(formset.management_form)
        for form in formset.initial_forms:
            add(form)
    return data


def test_related_kinds_are_read_once_per_process(fly_tipping, officer):
    here = offset()
    with CaptureQueriesContext(connection) as first:
        request_duplicate_candidates(process=fly_tipping, latitude=here[0], longitude=here[1])
    with CaptureQueriesContext(connection) as second:
        request_duplicate_candidates(process=fly_tipping, latitude=here[0], longitude=here[1])
    assert _kinds_queries(first) == 1
    assert _kinds_queries(second) == 0
    assert len(second) == len(first) - 1 == 1  # the lookup, with stage and photo counts


def test_an_administrator_relating_types_in_the_admin_is_seen_at_once(
    fly_tipping, officer, admin_client_
):
    dumped_type = ContactTypeFactory(name="Bulky waste dumped")
    dumped = ProcessFactory(code="dumped-bulky", name="Dumped bulky waste", place_based=True)
    dumped.contact_types.add(dumped_type)
    theirs = _report(dumped, officer, at=offset(north_m=20))
    here = offset()
    assert not request_duplicate_candidates(
        process=fly_tipping, latitude=here[0], longitude=here[1]
    )
    url = reverse("admin:requests_tracking_process_change", args=[fly_tipping.pk])
    data = _admin_form_data(admin_client_.get(url))
    data["related_contact_types"] = [dumped_type.pk]
    response = admin_client_.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    found = request_duplicate_candidates(process=fly_tipping, latitude=here[0], longitude=here[1])
    assert _refs(found) == [theirs.reference]
    # And taking the relation away again in the admin is seen at once too.
    data["related_contact_types"] = []
    assert admin_client_.post(url, data).status_code == 302
    assert not request_duplicate_candidates(
        process=fly_tipping, latitude=here[0], longitude=here[1]
    )


def test_deleting_a_related_contact_type_is_seen_at_once(fly_tipping, officer):
    """Deleting a type removes its links without m2m_changed: its own delete signal counts."""
    dumped_type = ContactTypeFactory(name="Bulky waste dumped")
    dumped = ProcessFactory(code="dumped-bulky", place_based=True)
    dumped.contact_types.add(dumped_type)
    fly_tipping.related_contact_types.add(dumped_type)
    _report(dumped, officer, at=offset(north_m=20))
    here = offset()
    assert request_duplicate_candidates(process=fly_tipping, latitude=here[0], longitude=here[1])
    dumped_type.delete()
    assert not request_duplicate_candidates(
        process=fly_tipping, latitude=here[0], longitude=here[1]
    )


def test_a_change_made_by_another_worker_is_seen_through_the_shared_generation(
    fly_tipping, officer
):
    """Another worker's change reaches this one by the generation in the shared cache."""
    dumped_type = ContactTypeFactory(name="Bulky waste dumped")
    dumped = ProcessFactory(code="dumped-bulky", place_based=True)
    dumped.contact_types.add(dumped_type)
    theirs = _report(dumped, officer, at=offset(north_m=20))
    here = offset()
    assert not request_duplicate_candidates(
        process=fly_tipping, latitude=here[0], longitude=here[1]
    )
    # The other worker's write, as this worker sees it: rows changed, no signal here...
    link = Process.related_contact_types.through
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {link._meta.db_table} (process_id, contacttype_id) VALUES (%s, %s)",
            [fly_tipping.pk, dumped_type.pk],
        )
    assert not request_duplicate_candidates(
        process=fly_tipping, latitude=here[0], longitude=here[1]
    )  # this worker's copy, until told
    # ...and the generation it moved on in the shared cache.
    cache.set(finder.KINDS_GENERATION_KEY, "another worker's change", timeout=None)
    found = request_duplicate_candidates(process=fly_tipping, latitude=here[0], longitude=here[1])
    assert _refs(found) == [theirs.reference]


def test_without_a_shared_cache_the_kinds_are_read_every_time(fly_tipping, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(finder.cache, "get", down)
    here = offset()
    for _ in range(2):
        with CaptureQueriesContext(connection) as captured:
            request_duplicate_candidates(process=fly_tipping, latitude=here[0], longitude=here[1])
        assert _kinds_queries(captured) == 1


def test_candidates_carry_photo_count_stage_and_process_from_the_one_query(
    fly_tipping, officer, django_assert_num_queries
):
    photographed = _report(fly_tipping, officer, at=offset(north_m=10))
    plain = _report(fly_tipping, officer, at=offset(north_m=20))
    for name, content_type in [
        ("a.jpg", "image/jpeg"),
        ("b.png", "image/png"),
        ("c.pdf", "application/pdf"),
    ]:
        Evidence.objects.create(
            request=photographed,
            file=f"evidence/{name}",
            stored_name=name,
            original_name=name,
            content_type=content_type,
            size=1,
        )
    here = offset()
    request_duplicate_candidates(process=fly_tipping, latitude=here[0], longitude=here[1])
    with django_assert_num_queries(1):
        found = request_duplicate_candidates(
            process=fly_tipping, latitude=here[0], longitude=here[1]
        )
        shown = [
            (
                c.request.reference,
                c.photo_count,
                c.request.current_stage.name,
                c.request.process.name,
            )
            for c in found
        ]
    stage = photographed.current_stage.name
    assert shown == [
        (photographed.reference, 2, stage, "Fly-tipping"),
        (plain.reference, 0, stage, "Fly-tipping"),
    ]
    # The request being looked at is never its own candidate.
    again = request_duplicate_candidates(
        process=fly_tipping, latitude=here[0], longitude=here[1], exclude_pk=photographed.pk
    )
    assert _refs(again) == [plain.reference]


def test_with_a_cache_local_to_each_process_copies_expire(
    fly_tipping, officer, monkeypatch, settings
):
    """Local memory cannot tell other processes: their changes are seen once the copy expires."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    dumped_type = ContactTypeFactory(name="Bulky waste dumped")
    dumped = ProcessFactory(code="dumped-bulky", place_based=True)
    dumped.contact_types.add(dumped_type)
    theirs = _report(dumped, officer, at=offset(north_m=20))
    here = offset()
    monkeypatch.setattr(finder, "KINDS_LOCAL_SECONDS", 0)  # expired as soon as kept
    assert not request_duplicate_candidates(
        process=fly_tipping, latitude=here[0], longitude=here[1]
    )
    link = Process.related_contact_types.through
    with connection.cursor() as cursor:  # another process's change: no signal here
        cursor.execute(
            f"INSERT INTO {link._meta.db_table} (process_id, contacttype_id) VALUES (%s, %s)",
            [fly_tipping.pk, dumped_type.pk],
        )
    found = request_duplicate_candidates(process=fly_tipping, latitude=here[0], longitude=here[1])
    assert _refs(found) == [theirs.reference]
