"""The summaries equal counting the raw contacts after starts, edits, late ends and
back-dated records; pages refresh stale summaries; the nightly recount finds differences."""

import logging
from collections import Counter
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone

from contacts import services as contact_services
from contacts.models import Contact
from reports.models import (
    ContactDay,
    ContactHour,
    HandlingBand,
    PartnerDay,
    RequestDay,
    StaffDay,
    StageBand,
    SummaryState,
)
from reports.summary import fresh_cache_key, summaries_recount, summaries_refresh
from requests_tracking import services as request_services
from requests_tracking.models import Request, StageVisit
from tests.reports.conftest import RANGE, at, at_april

pytestmark = pytest.mark.django_db


def summary_by_day():
    return {
        row["day"]: (row["n"], row["resolved"], row["avoidable"], row["ended"])
        for row in ContactDay.objects.values("day")
        .annotate(
            n=Sum("total"),
            resolved=Sum("resolved"),
            avoidable=Sum("avoidable"),
            ended=Sum("ended"),
        )
        .order_by()
    }


def summed(model, **measures):
    return {
        row["day"]: tuple(row[m] for m in measures)
        for row in model.objects.values("day").annotate(**measures).order_by()
    }


def counted(queryset, field, **measures):
    return {
        row["day"]: tuple(row[m] for m in measures)
        for row in queryset.annotate(day=TruncDate(field))
        .values("day")
        .annotate(**measures)
        .order_by()
    }


def contact_histograms_match_raw():
    """Handling bands hold every ended contact of the day; partner rows every signposting."""
    ended = counted(Contact.objects.filter(ended_at__isnull=False), "started_at", n=Count("id"))
    signposted = counted(Contact.partners.through.objects, "contact__started_at", n=Count("id"))
    return (
        summed(HandlingBand, n=Sum("total")) == ended
        and summed(PartnerDay, n=Sum("total")) == signposted
    )


def request_summaries_match_raw():
    opened = counted(Request.objects, "created_at", n=Count("id"))
    resolved = counted(
        Request.objects.filter(resolved_at__isnull=False), "resolved_at", n=Count("id")
    )
    stays = counted(
        StageVisit.objects.filter(sla_met__isnull=False),
        "left_at",
        n=Count("id"),
        met=Count("id", filter=Q(sla_met=True)),
        paused=Sum("paused_seconds"),
    )

    def nonzero(measure):
        return {d: v for d, v in summed(RequestDay, n=Sum(measure)).items() if v != (0,)}

    return (
        nonzero("opened") == opened
        and nonzero("resolved") == resolved
        and summed(StageBand, n=Sum("total"), met=Sum("met"), paused=Sum("paused_seconds"))
        == stays
    )


def raw_by_day():
    return {
        row["day"]: (row["n"], row["resolved"], row["avoidable"], row["ended"])
        for row in Contact.objects.annotate(day=TruncDate("started_at"))
        .values("day")
        .annotate(
            n=Count("id"),
            resolved=Count("id", filter=Q(resolved_at_first_contact=True)),
            avoidable=Count("id", filter=Q(avoidable=True)),
            ended=Count("id", filter=Q(ended_at__isnull=False)),
        )
        .order_by()
    }


def test_summaries_equal_the_raw_counts_after_edits_late_and_back_dated_records(contacts_set, ref):
    summaries_refresh()
    assert summary_by_day() == raw_by_day()
    agent = contacts_set[0].agent
    # An edit: the agent completes a contact differently.
    edited = contacts_set[1]
    Contact.objects.filter(pk=edited.pk).update(
        status=Contact.Status.AUTO_CLOSED, needs_review=True
    )
    contact_services.contact_end(
        actor=agent,
        contact=Contact.objects.get(pk=edited.pk),
        service_area=ref.waste,
        contact_type=ref.missed_bin,
        outcome=ref.resolved,
        avoidable=True,
        avoidable_reason=ref.chasing,
        resolved_at_first_contact=True,
    )
    # A back-dated record from the API, for a day already summarised, signposted to a partner.
    contact_services.contact_record(
        actor=agent,
        channel=ref.phone,
        location=ref.contact_centre,
        started_at=at(3, 4, 11),
        ended_at=at(3, 4, 11, 7),
        service_area=ref.waste,
        contact_type=ref.missed_bin,
        outcome=ref.signposted,
        partners=[ref.citizens_advice],
        avoidable=False,
        resolved_at_first_contact=True,
    )
    # A contact started earlier today and ended late.
    late = contact_services.contact_start(actor=agent, channel=ref.phone, location=ref.reception)
    Contact.objects.filter(pk=late.pk).update(started_at=timezone.now() - timedelta(hours=3))
    contact_services.contact_end(
        actor=agent,
        contact=late,
        service_area=ref.waste,
        contact_type=ref.missed_bin,
        outcome=ref.resolved,
        avoidable=False,
        resolved_at_first_contact=False,
    )
    assert summary_by_day() != raw_by_day()
    assert not contact_histograms_match_raw()
    summaries_refresh()
    assert summary_by_day() == raw_by_day()
    assert contact_histograms_match_raw()
    assert sum(ContactHour.objects.values_list("total", flat=True)) == Contact.objects.count()
    assert sum(StaffDay.objects.values_list("total", flat=True)) == Contact.objects.count()


def test_a_page_refreshes_summaries_older_than_five_minutes(team_leader_client, contacts_set, ref):
    summaries_refresh()
    SummaryState.objects.update(refreshed_at=timezone.now() - timedelta(minutes=6))
    cache.delete(fresh_cache_key())  # as it is once its 5 minutes are up
    contact_services.contact_record(
        actor=contacts_set[0].agent,
        channel=contacts_set[0].channel,
        location=contacts_set[0].location,
        started_at=at(3, 5, 10),
        ended_at=at(3, 5, 10, 3),
        service_area=ref.waste,
        contact_type=ref.missed_bin,
        outcome=ref.resolved,
        avoidable=False,
        resolved_at_first_contact=True,
    )
    response = team_leader_client.get(reverse("reports:report", args=["contacts"]), RANGE)
    assert response.context["report"].headlines[0].value == "6"
    page = response.content.decode()
    assert "Figures include every contact, request and stage stay saved up to" in page
    assert timezone.now() - SummaryState.objects.get().refreshed_at < timedelta(minutes=1)


def test_the_refresh_runs_at_least_every_five_minutes_and_the_recount_nightly():
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["reports-refresh-summaries"]["task"] == "reports.tasks.refresh_summaries"
    assert schedule["reports-refresh-summaries"]["schedule"] <= 300
    assert schedule["reports-recount-summaries"]["task"] == "reports.tasks.recount_summaries"


def test_nightly_recount_logs_and_mends_differences(contacts_set, caplog):
    summaries_refresh()
    assert summaries_recount() == []
    Contact.objects.filter(pk=contacts_set[2].pk).delete()  # bypasses every service
    with caplog.at_level(logging.WARNING, logger="reports.summary"):
        differences = summaries_recount()
    day = timezone.localtime(contacts_set[2].started_at).date()
    # (contacts, resolved first time, avoidable, ended, signposted): the deleted contact was
    # resolved and ended; the other contact that day was signposted.
    assert differences == [
        {"day": day, "summary": "contacts", "raw": (1, 0, 0, 1, 1), "counted": (2, 1, 0, 2, 1)}
    ]
    assert "differed from the raw rows" in caplog.text
    assert summary_by_day() == raw_by_day()
    assert contact_histograms_match_raw()


def test_request_summaries_equal_the_raw_rows_after_transitions_and_back_dated_records(
    sla_set, officer
):
    summaries_refresh()
    assert request_summaries_match_raw()
    on_time, paused, late, online, app = sla_set["requests"]
    # A transition today on a request raised weeks ago, and a resolution.
    request_services.request_resolve(
        actor=officer,
        service_request=Request.objects.get(pk=paused.pk),
        resolution="Done",
        now=at_april(21, 11),
    )
    request_services.request_advance(
        actor=officer, service_request=Request.objects.get(pk=online.pk), now=at_april(21, 12)
    )
    # A back-dated record (an import through the API): raised on 20 April, saved now.
    made = request_services.request_create(
        actor=officer,
        process=sla_set["process"],
        citizen=paused.citizen,
        description="Fridge",
        channel=paused.channel,
        now=at_april(20, 10),
    )
    Request.objects.filter(pk=made.pk).update(created_at=at_april(20, 10))
    assert not request_summaries_match_raw()
    summaries_refresh()
    assert request_summaries_match_raw()


def test_nightly_recount_mends_request_summaries(sla_set, caplog):
    summaries_refresh()
    on_time = sla_set["requests"][0]
    # Reopened by hand in the database: its resolved day must no longer count it.
    Request.objects.filter(pk=on_time.pk).update(resolved_at=None)
    StageVisit.objects.filter(request=on_time, stage__order=1).delete()
    with caplog.at_level(logging.WARNING, logger="reports.summary"):
        differences = summaries_recount()
    # (opened, resolved, stage stays ended, within SLA)
    assert {(d["day"], d["raw"], d["counted"]) for d in differences} == {
        (at_april(8, 9).date(), (0, 0, 0, 0), (0, 0, 1, 1)),
        (at_april(10, 9).date(), (0, 0, 1, 1), (0, 1, 1, 1)),
    }
    assert all(d["summary"] == "requests" for d in differences)
    assert request_summaries_match_raw()


def test_handling_bands_round_to_the_nearest_minute_then_five_minutes(ref):
    from tests.factories.contacts import ContactFactory

    start = at(3, 2, 9)
    expected = {
        29: 0,
        30: 60,
        3569: 3540,  # 59 min 29 s: 59 minutes
        3570: 3600,  # past 59.5 minutes: the 5-minute bands begin at 60 minutes
        3749: 3600,
        3750: 3900,
        14249: 14100,
        14250: 14400,  # 4 hours or more: one band
        20000: 14400,
    }
    for seconds in expected:
        ContactFactory(ended=True, started_at=start, ended_at=start + timedelta(seconds=seconds))
    summaries_refresh()
    got = HandlingBand.objects.values("band").annotate(n=Sum("total")).values_list("band", "n")
    assert dict(got) == Counter(expected.values())


def test_band_percentile_interpolates_like_percentile_cont():
    from reports.summary import band_percentile

    assert band_percentile({}, 0.5) is None
    assert band_percentile({240: 2, 300: 1, 420: 1}, 0.5) == 270
    assert band_percentile({240: 2, 300: 1, 420: 1}, 0.9) == pytest.approx(384)
    assert band_percentile({600: 1}, 0.9) == 600
