"""The register-wide duplicate review: the job, its resumption, the queue page and decisions,
and the matcher over the API."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from citizens.matching import review
from citizens.models import Citizen, DuplicatePair, DuplicateReviewRun, NotDuplicate
from citizens.services import citizens_merge, not_duplicate_record
from tests.factories.citizens import AddressFactory, CitizenFactory, PhoneNumberFactory

pytestmark = pytest.mark.django_db
DOB = datetime.date(1968, 11, 23)


def person(first, last, dob=DOB, line="4 Quay Street", postcode="BS1 4DJ"):
    c = CitizenFactory(first_name=first, last_name=last, date_of_birth=dob)
    AddressFactory(citizen=c, line_1=line, postcode=postcode)
    return c


@pytest.fixture
def register():
    """Two near-duplicate pairs, a pair sharing only a phone, and look-alike strangers."""
    people = {
        "margaret": person("Margaret", "Quellington"),
        "peggy": person("Peggy", "Quellington"),  # nickname, same address and birthday
        "swapped_dob": person(
            "Olu", "Adeyemi", datetime.date(1980, 4, 7), "9 Mill Lane", "M1 1AE"
        ),
        "olu": person("Olu", "Adeyemi", datetime.date(1980, 7, 4), "9 Mill Lane", "M1 1AE"),
        "father": person("Robert", "Smith", datetime.date(1950, 4, 4), "2 Elm Grove", "LS6 2AB"),
        "son": person("Robert", "Smith", datetime.date(1978, 6, 9), "2 Elm Grove", "LS6 2AB"),
        "twin_a": person("Jack", "Trevithick", datetime.date(1990, 1, 5), "7 Oak Way", "EX1 1AA"),
        "twin_b": person("Harry", "Trevithick", datetime.date(1990, 1, 5), "7 Oak Way", "EX1 1AA"),
        "moved": person(
            "Aled", "Pryce-Vaughan", datetime.date(1959, 2, 2), "1 New Road", "CF1 1AA"
        ),
        "old": person("Aled", "Vaughan", datetime.date(1959, 2, 2), "1 Old Road", "SA1 1AA"),
    }
    PhoneNumberFactory(citizen=people["moved"], number="+447700900321")
    PhoneNumberFactory(citizen=people["old"], number="+447700900321")
    return people


def pairs():
    return {
        (a, b): band
        for a, b, band in DuplicatePair.objects.values_list("citizen_a_id", "citizen_b_id", "band")
    }


def key(a, b):
    return tuple(sorted((a.pk, b.pk)))


def test_review_queues_near_duplicates_and_not_strangers(register):
    run = review.review_run_all()
    assert run.status == DuplicateReviewRun.Status.FINISHED
    found = pairs()
    assert found[key(register["margaret"], register["peggy"])] in ("probable", "certain")
    assert found[key(register["olu"], register["swapped_dob"])] in ("probable", "certain")
    assert found[key(register["moved"], register["old"])] in ("probable", "certain")
    for a, b in (("father", "son"), ("twin_a", "twin_b")):
        assert found.get(key(register[a], register[b])) in (None, "possible"), (a, b)
    pair = DuplicatePair.objects.get(citizen_a=register["margaret"])
    assert "forms of one name" in pair.summary


def test_review_resumes_from_its_cursor_after_a_restart(register, monkeypatch):
    monkeypatch.setattr(review, "BLOCK_SIZE", 2)
    first = review.review_step(seconds=0)  # one block, then "the worker dies"
    assert first.status == DuplicateReviewRun.Status.RUNNING
    assert first.blocks_done == 1
    cursor = first.cursor
    assert cursor
    # A second worker cannot take the run while the first one's lease holds...
    DuplicateReviewRun.objects.filter(pk=first.pk).update(
        lease_until=timezone.now() + datetime.timedelta(minutes=5)
    )
    assert review.review_step(seconds=0) is None
    # ...and carries on from the saved cursor once it has expired.
    DuplicateReviewRun.objects.filter(pk=first.pk).update(
        lease_until=timezone.now() - datetime.timedelta(seconds=1)
    )
    second = review.review_step(seconds=0)
    assert second.pk == first.pk
    assert second.blocks_done == 2
    assert (second.phase, second.cursor) != (first.phase, cursor), "moved on from the cursor"
    while second.status == DuplicateReviewRun.Status.RUNNING:
        second = review.review_step(seconds=0)
    resumed = pairs()
    assert len(resumed) >= 3
    # The same pairs as one uninterrupted run.
    DuplicatePair.objects.all().delete()
    DuplicateReviewRun.objects.all().delete()
    review.review_run_all()
    assert pairs() == resumed


def test_a_finished_review_waits_for_its_interval(register, settings):
    review.review_run_all()
    settings.MATCH_REVIEW_EVERY_HOURS = 24
    assert review.review_step(seconds=0) is None
    DuplicateReviewRun.objects.update(finished_at=timezone.now() - datetime.timedelta(hours=25))
    assert review.review_step(seconds=0) is not None


def test_different_people_are_remembered_across_runs(register, team_leader):
    review.review_run_all()
    a, b = register["margaret"], register["peggy"]
    not_duplicate_record(actor=team_leader, citizen_a=b, citizen_b=a, reason="Sisters-in-law")
    review.review_run_all()
    pair = DuplicatePair.objects.get(citizen_a_id=min(a.pk, b.pk), citizen_b_id=max(a.pk, b.pk))
    assert pair.status == DuplicatePair.Status.DIFFERENT
    assert pair.decided_by == team_leader


def test_merging_closes_the_pair_and_the_absorbed_records_other_pairs(register, team_leader):
    review.review_run_all()
    a, b = register["margaret"], register["peggy"]
    citizens_merge(actor=team_leader, survivor=a, merged=b, reason="Same person")
    pair = DuplicatePair.objects.get(citizen_a_id=min(a.pk, b.pk))
    assert pair.status == DuplicatePair.Status.MERGED
    review.review_run_all()
    assert not DuplicatePair.objects.filter(status=DuplicatePair.Status.OPEN, citizen_b=b).exists()


def test_queue_page_lists_pairs_filters_and_records_decisions(register, team_leader_client):
    review.review_run_all()
    response = team_leader_client.get("/citizens/duplicates/")
    assert response.status_code == 200
    body = response.content.decode()
    assert register["margaret"].reference in body
    assert register["father"].reference not in body  # "possible" only: not in the default view
    everything = team_leader_client.get("/citizens/duplicates/?band=all").content.decode()
    assert "born 28 years apart: probably a relative" in everything
    assert "Last review finished" in body
    certain = team_leader_client.get("/citizens/duplicates/?band=certain").content.decode()
    probable = team_leader_client.get("/citizens/duplicates/?band=probable").content.decode()
    assert (register["margaret"].reference in certain) != (
        register["margaret"].reference in probable
    )
    a, b = register["margaret"], register["peggy"]
    compare = team_leader_client.get(f"/citizens/{a.pk}/merge/{b.pk}/")
    assert b"forms of one name" in compare.content
    response = team_leader_client.post(
        f"/citizens/{a.pk}/not-duplicate/{b.pk}/", {"reason": "Checked: sisters"}
    )
    assert response.status_code == 302
    assert NotDuplicate.objects.filter(citizen_a=min(a, b, key=lambda c: c.pk)).exists()
    body = team_leader_client.get("/citizens/duplicates/").content.decode()
    assert f"{a.reference} and {b.reference}" not in body
    decided = team_leader_client.get("/citizens/duplicates/?status=different").content.decode()
    assert a.reference in decided


def test_queue_page_needs_merge_permission_and_can_start_a_run(
    agent, team_leader_client, django_capture_on_commit_callbacks
):
    from django.test import Client

    agent_client = Client()
    agent_client.force_login(agent)
    assert agent_client.get("/citizens/duplicates/").status_code == 403
    assert agent_client.post("/citizens/duplicates/review/").status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        response = team_leader_client.post("/citizens/duplicates/review/", follow=True)
    assert b"has started" in response.content
    # Without a broker the task ran in-process: the run is finished.
    assert DuplicateReviewRun.objects.get().status == DuplicateReviewRun.Status.FINISHED


def test_celery_task_carries_on_the_review(register):
    from citizens.tasks import duplicate_review

    duplicate_review.delay(seconds=60)
    assert DuplicateReviewRun.objects.get().status == DuplicateReviewRun.Status.FINISHED
    assert DuplicatePair.objects.exists()


# --- API --------------------------------------------------------------------------------------


@pytest.fixture
def api(agent):
    client = APIClient()
    client.force_authenticate(agent)
    return client


def test_api_409_candidates_carry_score_band_and_reasons(api, register):
    body = {
        "first_name": "Peggy",
        "last_name": "Quellington",
        "date_of_birth": "1968-11-23",
        "address_line_1": "4 Quay St",
        "postcode": "bs14dj",
    }
    response = api.post("/api/v1/citizens/", body, format="json")
    assert response.status_code == 409
    top = response.json()["candidates"][0]
    assert top["id"] in (register["margaret"].pk, register["peggy"].pk)
    assert top["band"] in ("probable", "certain")
    assert isinstance(top["score"], float)
    assert "Same date of birth (23/11/1968)" in top["match_reasons"]
    assert top["summary"].startswith("Same")


def test_api_duplicates_of_a_record(api, register):
    response = api.get(f"/api/v1/citizens/{register['margaret'].pk}/duplicates/")
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["id"] for r in results][:1] == [register["peggy"].pk]
    assert results[0]["band"] in ("probable", "certain")


def test_openapi_schema_documents_score_and_band(api):
    schema = api.get("/api/v1/schema/")
    assert schema.status_code == 200
    text = schema.content.decode()
    assert "DuplicatesConflict" in text
    for name in ("match_reasons", "band", "score", "summary"):
        assert name in text


def test_possible_matches_do_not_block_creation_and_are_mentioned(agent_client, settings):
    c = person("Wendell", "Oakshott", datetime.date(1971, 5, 5))
    # Nothing blocks; everything above -8 is "possible".
    settings.MATCH_CERTAIN_SCORE, settings.MATCH_PROBABLE_SCORE = 200.0, 100.0
    response = agent_client.post(
        "/citizens/new/",
        {
            "first_name": "Wendell",
            "last_name": "Oakshott",
            "date_of_birth": "05/05/1971",
            "no_contact_details_reason": "Declined",
        },
        follow=True,
    )
    assert Citizen.objects.filter(last_name="Oakshott").count() == 2
    assert b"may be the same person" in response.content
    assert c.pk
