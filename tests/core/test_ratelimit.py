"""The one rate limiter (core.ratelimit): sliding window, refusals not counted, retry time."""

import pytest

from core import ratelimit
from core.ratelimit import once_per, rate_limit_hit, rate_limit_peek, wait_words


@pytest.fixture
def clock(monkeypatch):
    """A settable clock for the limiter (windows start on whole minutes)."""
    now = {"t": 1_800_000_000.0}  # a whole minute and hour
    monkeypatch.setattr(ratelimit, "_now", lambda: now["t"])
    return now


def _hit(limit=3, window=60, key="203.0.113.5"):
    return rate_limit_hit(scope="test", key=key, limit=limit, window=window)


def test_allows_up_to_the_limit_then_refuses_with_the_seconds_to_wait(clock):
    assert [_hit().allowed for _ in range(3)] == [True, True, True]
    refused = _hit()
    assert not refused.allowed
    # Three hits in this window: after it ends they weigh as the previous window's, and
    # 3 * (1 - t/60) + 1 <= 3 at t = 20 s into the next one: 60 + 20 seconds from now.
    assert refused.retry_after == 80


def test_keys_are_counted_apart(clock):
    for _ in range(3):
        _hit()
    assert not _hit().allowed
    assert _hit(key="198.51.100.7").allowed


def test_a_refused_hit_is_not_counted_so_waiting_retry_after_is_enough(clock):
    for _ in range(3):
        _hit()
    for _ in range(20):
        assert not _hit().allowed
    wait = _hit().retry_after
    clock["t"] += wait
    assert _hit().allowed


def test_the_window_slides_no_double_burst_at_the_edge(clock):
    clock["t"] += 50  # late in the window
    for _ in range(3):
        assert _hit().allowed
    clock["t"] += 15  # 5 seconds into the next window: the last 3 still weigh 3 * 55/60
    assert not _hit().allowed
    clock["t"] += 25  # 30 seconds in: they weigh 1.5, so one more fits
    assert _hit().allowed
    assert not _hit().allowed


def test_limit_zero_switches_it_off(clock):
    assert all(_hit(limit=0).allowed for _ in range(50))


def test_peek_does_not_count(clock):
    for _ in range(2):
        _hit()
    for _ in range(5):
        assert rate_limit_peek(scope="test", key="203.0.113.5", limit=3, window=60).allowed
    assert _hit().allowed
    assert not rate_limit_peek(scope="test", key="203.0.113.5", limit=3, window=60).allowed


def test_once_per_is_true_once_a_window(clock):
    assert once_per(scope="seen", key="1", window=3600)
    assert not once_per(scope="seen", key="1", window=3600)
    assert once_per(scope="seen", key="2", window=3600)
    clock["t"] += 3600
    assert once_per(scope="seen", key="1", window=3600)


def test_a_broken_cache_lets_requests_through(clock, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(ratelimit.cache, "get", broken)
    assert all(_hit(limit=1).allowed for _ in range(5))


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (1, "1 second"),
        (45, "45 seconds"),
        (60, "1 minute"),
        (80, "about 2 minutes"),
        (3600, "60 minutes"),
        (7200, "about 2 hours"),
    ],
)
def test_wait_words(seconds, words):
    assert wait_words(seconds) == words
