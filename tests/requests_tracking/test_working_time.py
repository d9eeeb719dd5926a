from datetime import datetime

import pytest
from django.utils import timezone

from requests_tracking.working_time import (
    WORKING_DAY_SECONDS,
    add_working_seconds,
    is_working_day,
    working_seconds_between,
)

DAY = WORKING_DAY_SECONDS

# The bank-holiday nation is configuration in the database (admin), the environment's only the
# default: reading it needs the database.
pytestmark = pytest.mark.django_db


def at(y, m, d, hh=0, mm=0):
    return timezone.make_aware(datetime(y, m, d, hh, mm))


def local(moment):
    return timezone.localtime(moment).replace(tzinfo=None)


def test_one_working_day_from_friday_morning_is_monday_morning():
    # Friday 6 March 2026, 10:00
    assert local(add_working_seconds(at(2026, 3, 6, 10), DAY)) == datetime(2026, 3, 9, 10)


def test_request_logged_at_the_weekend_starts_its_clock_on_monday():
    assert local(add_working_seconds(at(2026, 3, 7, 14), DAY)) == datetime(2026, 3, 9, 17)


def test_evening_request_starts_next_working_morning():
    assert local(add_working_seconds(at(2026, 3, 4, 19), 2 * 3600)) == datetime(2026, 3, 5, 11)


def test_easter_bank_holidays_are_skipped():
    # Thursday 2 April 2026 10:00 + 2 working days: Good Friday, weekend, Easter Monday skipped.
    assert local(add_working_seconds(at(2026, 4, 2, 10), 2 * DAY)) == datetime(2026, 4, 8, 10)


def test_christmas_and_boxing_day_substitute_are_skipped():
    # Thursday 24 Dec 2026 12:00 + 1 working day: 25th, weekend, 28th (substitute) skipped.
    assert local(add_working_seconds(at(2026, 12, 24, 12), DAY)) == datetime(2026, 12, 29, 12)


@pytest.mark.parametrize(
    ("nation", "day", "working"),
    [
        ("ENG", datetime(2026, 1, 2).date(), True),
        ("SCT", datetime(2026, 1, 2).date(), False),  # 2 January is a Scottish bank holiday
        ("ENG", datetime(2026, 3, 17).date(), True),
        ("NIR", datetime(2026, 3, 17).date(), False),  # St Patrick's Day
    ],
)
def test_bank_holidays_follow_the_configured_nation(settings, nation, day, working):
    settings.BANK_HOLIDAY_NATION = nation
    assert is_working_day(day) is working


def test_working_seconds_between_ignores_nights_weekends_and_holidays():
    # Friday 3 April 2026 is Good Friday; Thursday 16:00 to Tuesday 10:00 = 1h + 1h.
    assert working_seconds_between(at(2026, 4, 2, 16), at(2026, 4, 7, 10)) == 2 * 3600


def test_working_seconds_between_is_inverse_of_adding():
    start = at(2026, 5, 1, 15, 30)
    end = add_working_seconds(start, 7 * DAY + 1234)
    assert working_seconds_between(start, end) == pytest.approx(7 * DAY + 1234)


def test_working_seconds_between_is_zero_backwards():
    assert working_seconds_between(at(2026, 5, 5, 12), at(2026, 5, 5, 10)) == 0
