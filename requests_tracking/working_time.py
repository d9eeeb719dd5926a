"""Working-time arithmetic for SLAs: Monday to Friday, 09:00–17:00 local time, no bank holidays.

SLAs are counted in working seconds: one working day is WORKING_DAY_SECONDS, so "5 working days"
from Friday 10:00 is the next Friday 10:00, and a request logged on Saturday starts its clock on
Monday at 09:00. Bank holidays come from the `holidays` package for the nation chosen in admin
(`WorkingTimeSettings`), or the BANK_HOLIDAY_NATION setting until one is chosen.
"""

import time as clock
from datetime import date, datetime, time, timedelta
from functools import lru_cache

import holidays
from django.conf import settings
from django.utils import timezone

DAY_START = time(9, 0)
DAY_END = time(17, 0)
WORKING_DAY_SECONDS = 8 * 3600


@lru_cache(maxsize=8)
def _bank_holidays(nation: str):
    return holidays.country_holidays("GB", subdiv=nation)


NATIONS = ("ENG", "WLS", "SCT", "NIR")


def bank_holidays_warm() -> None:
    """Load the bank holidays of every nation for last year, this year and next, once per
    process (a web worker does it before it takes requests: core.warmup). The first lookup
    makes the `holidays` package import all its ~250 countries' modules — 0.15 s alone, and
    over a second for whichever request met it first on a busy server."""
    year = date.today().year
    for nation in NATIONS:
        calendar = _bank_holidays(nation)
        for each in (year - 1, year, year + 1):
            _ = date(each, 1, 1) in calendar  # fills that year's table


@lru_cache(maxsize=8192)
def _working_day(day: date, nation: str) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(nation)


# The nation is read from the database at most once a NATION_CACHE_SECONDS per process (an SLA
# sweep does these sums thousands of times); saving it in admin clears this process's copy.
NATION_CACHE_SECONDS = 60
_nation_cache: dict = {}


def bank_holiday_nation() -> str:
    """ENG, SCT or NIR (WLS, from the environment, counts as England and Wales)."""
    now = clock.monotonic()
    if _nation_cache.get("until", 0) < now:
        from requests_tracking.models import WorkingTimeSettings

        row = WorkingTimeSettings.objects.order_by("pk").values_list(
            "bank_holiday_nation", flat=True
        )
        _nation_cache.update(value=row.first(), until=now + NATION_CACHE_SECONDS)
    return _nation_cache["value"] or settings.BANK_HOLIDAY_NATION


def bank_holiday_nation_forget():
    _nation_cache.clear()


def is_working_day(day: date) -> bool:
    return _working_day(day, bank_holiday_nation())


# The helpers take the time zone (and nation) from their caller: looking up the active time zone
# costs tens of microseconds, and an SLA sweep does these sums thousands of times.


def _local(moment: datetime, tz) -> datetime:
    return moment.astimezone(tz) if timezone.is_aware(moment) else moment


def _at(day: date, at: time, tz) -> datetime:
    return datetime.combine(day, at, tzinfo=tz)


def _next_working_start(moment: datetime, tz, nation: str) -> datetime:
    """The moment itself if it is inside working hours, else the start of the next working day."""
    local = _local(moment, tz)
    day = local.date()
    if _working_day(day, nation):
        if local.time() < DAY_START:
            return _at(day, DAY_START, tz)
        if local.time() < DAY_END:
            return local
    day += timedelta(days=1)
    while not _working_day(day, nation):
        day += timedelta(days=1)
    return _at(day, DAY_START, tz)


def add_working_seconds(start: datetime, seconds: float) -> datetime:
    """The moment `seconds` of working time after `start`."""
    tz, nation = timezone.get_current_timezone(), bank_holiday_nation()
    moment = _next_working_start(start, tz, nation)
    remaining = max(0.0, float(seconds))
    # Whole working weeks first would be faster, but SLAs are short and holidays irregular.
    while True:
        local = _local(moment, tz)
        end_of_day = _at(local.date(), DAY_END, tz)
        available = (end_of_day - local).total_seconds()
        if remaining <= available:
            return local + timedelta(seconds=remaining)
        remaining -= available
        moment = _next_working_start(end_of_day, tz, nation)


def working_seconds_between(start: datetime, end: datetime) -> float:
    """Working seconds from `start` to `end` (0 when end is not after start)."""
    if end <= start:
        return 0.0
    tz, nation = timezone.get_current_timezone(), bank_holiday_nation()
    total = 0.0
    moment = _next_working_start(start, tz, nation)
    while moment < end:
        local = _local(moment, tz)
        end_of_day = _at(local.date(), DAY_END, tz)
        stop = min(end_of_day, end)
        total += max(0.0, (stop - local).total_seconds())
        moment = _next_working_start(end_of_day, tz, nation)
    return total


def sla_seconds(*, amount: int, unit: str) -> int:
    """An SLA of `amount` working days or hours, in working seconds."""
    return amount * (WORKING_DAY_SECONDS if unit == "days" else 3600)
