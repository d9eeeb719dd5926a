"""The summaries equal counting the raw contacts after starts, edits, late ends and
back-dated records; pages refresh stale summaries; the nightly recount finds differences."""

import logging
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
from reports.models import ContactDay, ContactHour, StaffDay, SummaryState
from reports.summary import fresh_cache_key, summaries_recount, summaries_refresh
from tests.reports.conftest import RANGE, at

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
    # A back-dated record from the API, for a day already summarised.
    contact_services.contact_record(
        actor=agent,
        channel=ref.phone,
        location=ref.contact_centre,
        started_at=at(3, 4, 11),
        ended_at=at(3, 4, 11, 7),
        service_area=ref.waste,
        contact_type=ref.missed_bin,
        outcome=ref.resolved,
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
    summaries_refresh()
    assert summary_by_day() == raw_by_day()
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
    assert "Contact figures include every contact saved up to" in response.content.decode()
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
    assert differences == [{"day": day, "raw": (1, 0, 0), "summary": (2, 1, 0)}]
    assert "differed from the contacts" in caplog.text
    assert summary_by_day() == raw_by_day()
