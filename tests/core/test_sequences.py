"""Named counters (core.sequences): numbers never given out twice, and on PostgreSQL taking one
does not wait for another transaction that took one and has not committed (#19: raises queued
behind the counter row's lock)."""

import threading

import pytest
from django.db import connection, transaction

from core.models import Sequence
from core.sequences import sequence_next, sequence_take
from core.threads import InThread

POSTGRES = connection.vendor == "postgresql"
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _drop_test_counters():
    """Sequences made by the tests that commit are not emptied with the tables: drop them."""
    yield
    if POSTGRES:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT relname FROM pg_class WHERE relkind = 'S' "
                "AND relname LIKE 'core_counter_test_%%'"
            )
            for (name,) in cursor.fetchall():
                cursor.execute(f"DROP SEQUENCE IF EXISTS {connection.ops.quote_name(name)}")


def test_numbers_increase_and_a_batch_follows_on():
    first = sequence_next(name="test-counter")
    batch = sequence_take(name="test-counter", count=5)
    after = sequence_next(name="test-counter")
    assert batch == list(range(first + 1, first + 6))
    assert after == first + 6


def test_counters_are_independent():
    a = sequence_next(name="test-alpha")
    sequence_take(name="test-alpha", count=3)
    assert sequence_next(name="test-beta") == 1
    assert sequence_next(name="test-alpha") == a + 4


def test_a_counter_carries_on_from_its_row():
    """A database whose counters were rows of core_sequence continues from their values."""
    Sequence.objects.create(name="request-2031", value=41)
    assert sequence_next(name="request-2031") == 42
    assert sequence_take(name="request-2031", count=2) == [43, 44]


def test_names_that_are_not_counter_names_are_refused():
    with pytest.raises(ValueError, match="Not a counter name"):
        sequence_next(name="x'; DROP TABLE core_sequence; --")
    with pytest.raises(ValueError, match="at least 1"):
        sequence_take(name="test-counter", count=0)


@pytest.mark.skipif(not POSTGRES, reason="SQLite lets one writer in at a time anyway")
@pytest.mark.django_db(transaction=True)
def test_taking_a_number_does_not_wait_for_an_open_transaction():
    """One transaction takes a number and stays open; another connection takes the next
    number at once. With a counter row it would wait for the first to end: the lock_timeout
    turns that wait into an error."""
    sequence_next(name="test-open")  # the counter exists (committed)
    taken, release = threading.Event(), threading.Event()

    def hold_a_number():
        with transaction.atomic():
            number = sequence_next(name="test-open")
            taken.set()
            release.wait(timeout=30)
        return number

    holder = InThread(hold_a_number)
    try:
        assert taken.wait(timeout=30)

        def take_another():
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '2s'")
                return sequence_next(name="test-open")

        other = InThread(take_another).result()
    finally:
        release.set()
    held = holder.result()
    assert other == held + 1


@pytest.mark.skipif(not POSTGRES, reason="the counter's sequence is PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_two_transactions_making_a_new_counter_at_once_get_different_numbers():
    """The first use of a counter (a new year's first request) makes its sequence; two at
    once both get a number, different ones, and neither fails."""
    barrier = threading.Barrier(2, timeout=30)

    def first_of_the_year():
        barrier.wait()
        with transaction.atomic():
            return sequence_next(name="test-new-year")

    workers = [InThread(first_of_the_year) for _ in range(2)]
    numbers = sorted(w.result() for w in workers)
    assert numbers == [1, 2]


@pytest.mark.skipif(not POSTGRES, reason="the counter's sequence is PostgreSQL's")
def test_a_rolled_back_number_is_not_given_again():
    """PostgreSQL's price for not waiting: a gap where a transaction rolled back."""
    sequence_next(name="test-gap")  # made in the test's transaction: it outlives the savepoint
    taken = []

    def raise_that_fails():
        with transaction.atomic():
            taken.append(sequence_next(name="test-gap"))
            raise RuntimeError("the raise failed")

    with pytest.raises(RuntimeError):
        raise_that_fails()
    assert sequence_next(name="test-gap") == taken[0] + 1
