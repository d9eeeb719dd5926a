"""The Reports page's daily summary gives the same figures as counting contacts directly."""

import random
from dataclasses import asdict
from datetime import date, datetime, time, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from contacts.models import Contact, ReportDay, ReportDayCount
from contacts.report_summary import SETTLED_DAYS, last_settled_day, report_days_build
from contacts.selectors import contact_list, contact_report, contact_report_live
from contacts.services import contact_close_abandoned, contact_end, contact_record
from tests.contacts.conftest import new_citizen
from tests.factories import StaffFactory
from tests.factories.contacts import ContactFactory

pytestmark = pytest.mark.django_db


def local(day: date, hour=10, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def live(date_from, date_to):
    _filterset, queryset = contact_list(
        filters={"date_from": date_from.isoformat(), "date_to": date_to.isoformat()}
    )
    return contact_report_live(queryset=queryset)


def as_data(report):
    return {
        "overall": asdict(report["overall"]),
        "sections": [(s.key, [asdict(r) for r in s.rows]) for s in report["sections"]],
    }


@pytest.fixture
def mixed(ref):
    """Forty contacts over the last twelve days (today included), with gaps and blanks."""
    rng = random.Random(7)
    agent = StaffFactory()
    citizen = new_citizen()
    today = timezone.localdate()
    made = []
    for n in range(40):
        day = today - timedelta(days=rng.randrange(12))
        kind = rng.choice([ref.missed_bin, ref.balance])
        made.append(
            Contact(
                agent=agent,
                citizen=citizen if n % 3 else None,
                channel=rng.choice([ref.phone, ref.face_to_face]),
                location=rng.choice([ref.contact_centre, ref.reception]),
                status=Contact.Status.ENDED,
                # Late evening and just after midnight test the local-day boundaries.
                started_at=local(day, rng.choice([0, 9, 14, 23]), rng.choice([5, 55])),
                service_area=kind.service_area if n % 7 else None,
                contact_type=kind if n % 7 else None,
                outcome=ref.resolved,
                avoidable=rng.choice([True, False, None]),
                resolved_at_first_contact=rng.choice([True, False, None]),
            )
        )
    for contact in made:
        if contact.started_at > timezone.now():
            contact.started_at = timezone.now() - timedelta(minutes=1)
        contact.ended_at = contact.started_at + timedelta(minutes=5)
    Contact.objects.bulk_create(made)
    # One still open, started a week ago: no type, outcome or answers.
    ContactFactory(agent=StaffFactory(), started_at=local(today - timedelta(days=7)))
    return today


def test_summarised_report_matches_counting_directly(mixed):
    date_from, date_to = mixed - timedelta(days=11), mixed
    expected = as_data(live(date_from, date_to))
    assert as_data(contact_report(date_from=date_from, date_to=date_to)) == expected
    # The settled days are now summarised; reading them again gives the same figures.
    assert ReportDay.objects.count() == 12 - SETTLED_DAYS
    assert not ReportDay.objects.filter(day__gt=last_settled_day()).exists()
    assert as_data(contact_report(date_from=date_from, date_to=date_to)) == expected


def test_summary_of_part_of_a_range_matches_too(mixed):
    contact_report(date_from=mixed - timedelta(days=11), date_to=mixed)
    for first, last in [(3, 5), (9, 9), (4, 0)]:
        date_from, date_to = mixed - timedelta(days=first), mixed - timedelta(days=last)
        report = contact_report(date_from=date_from, date_to=date_to)
        assert as_data(report) == as_data(live(date_from, date_to))


def test_a_summarised_range_costs_the_same_queries_whatever_its_length(mixed):
    short = (mixed - timedelta(days=5), mixed - timedelta(days=SETTLED_DAYS))
    long = (mixed - timedelta(days=400), mixed - timedelta(days=SETTLED_DAYS))
    contact_report(date_from=long[0], date_to=long[1])  # builds every day
    counts = []
    for date_from, date_to in (short, long):
        with CaptureQueriesContext(connection) as queries:
            contact_report(date_from=date_from, date_to=date_to)
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]
    assert counts[0] <= 8  # which days are built, 2 summary reads, names of 4 breakdowns


def test_recording_a_back_dated_contact_recounts_its_day(mixed, ref, outcome_details):
    day = mixed - timedelta(days=6)
    before = contact_report(date_from=day, date_to=day)["overall"].total
    assert ReportDay.objects.filter(day=day).exists()
    contact_record(
        actor=StaffFactory(),
        channel=ref.phone,
        location=ref.contact_centre,
        started_at=local(day, 11),
        ended_at=local(day, 11, 5),
        **outcome_details,
    )
    assert not ReportDay.objects.filter(day=day).exists()
    after = contact_report(date_from=day, date_to=day)
    assert after["overall"].total == before + 1
    assert as_data(after) == as_data(live(day, day))


def test_ending_and_auto_closing_old_contacts_recount_their_day(mixed, ref, outcome_details):
    day = mixed - timedelta(days=7)  # the open contact from the fixture
    contact_report(date_from=day, date_to=day)
    assert contact_close_abandoned() == 1
    report = contact_report(date_from=day, date_to=day)
    assert as_data(report) == as_data(live(day, day))
    rows = {s.key: {r.label: r.total for r in s.rows} for s in report["sections"]}
    contact = Contact.objects.get(needs_review=True)
    contact_end(actor=contact.agent, contact=contact, **outcome_details)
    report = contact_report(date_from=day, date_to=day)
    assert as_data(report) == as_data(live(day, day))
    after = {s.key: {r.label: r.total for r in s.rows} for s in report["sections"]}
    assert after["contact_type"] != rows["contact_type"]


def test_a_day_already_summarised_is_not_built_twice(mixed):
    day = mixed - timedelta(days=4)
    assert report_days_build(date_from=day, date_to=day) == 1
    assert report_days_build(date_from=day, date_to=day) == 0
    assert ReportDayCount.objects.filter(day=day, breakdown="all").count() == 1


def test_command_builds_and_rebuilds_after_changes_outside_the_services(mixed, ref):
    call_command("contacts_report_summary", "--days", "12")
    assert ReportDay.objects.count() == 12 - SETTLED_DAYS
    day = mixed - timedelta(days=3)
    ContactFactory(ended=True, started_at=local(day, 12))  # bypasses the services
    call_command("contacts_report_summary", "--days", "12", "--rebuild")
    assert as_data(contact_report(date_from=day, date_to=day)) == as_data(live(day, day))


@pytest.mark.parametrize(
    "args", [["--from", "27/03/2026"], ["--from", "2026-03-10", "--to", "2026-03-01"]]
)
def test_command_refuses_bad_dates(args):
    with pytest.raises(CommandError):
        call_command("contacts_report_summary", *args)


def test_the_periodic_job_recounts_the_last_week(reference_data):
    from contacts.tasks import rebuild_recent_report_days

    assert rebuild_recent_report_days.apply().get() == 7
