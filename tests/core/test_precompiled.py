"""Reads whose SQL is built once per process (core.precompiled): the same rows, objects and SQL
as the QuerySet they were built from, for whichever values each call passes."""

import datetime

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Staff
from contacts.models import Contact
from contacts.selectors import _bar_read, contact_bar_for, contact_open_for
from core.precompiled import PrecompiledRead
from tests.factories import CitizenFactory, ContactFactory, StaffFactory

pytestmark = pytest.mark.django_db


def _same(a, b, fields):
    assert type(a) is type(b)
    assert a.get_deferred_fields() == b.get_deferred_fields()
    for name in fields:
        assert getattr(a, name) == getattr(b, name), name


def test_the_bar_reads_what_its_queryset_reads_for_each_member_of_staff():
    one, two, three = (StaffFactory(username=name) for name in ("one", "two", "three"))
    citizen = CitizenFactory()
    ago = timezone.now() - datetime.timedelta(hours=3)
    ContactFactory(agent=one, citizen=citizen)
    ContactFactory(
        agent=two,
        citizen=None,
        status=Contact.Status.AUTO_CLOSED,
        needs_review=True,
        started_at=ago,
        ended_at=ago,
    )
    ContactFactory(
        agent=two,
        citizen=citizen,
        status=Contact.Status.AUTO_CLOSED,
        needs_review=True,
        started_at=ago,
        ended_at=ago,
    )
    for staff in (one, two, three, one):
        expected = _bar_read(staff.pk).first()
        bar = contact_bar_for(staff=staff)
        row = bar.contact
        if expected is None:
            assert (row, bar.review_count) == (None, 0)
            continue
        if not expected.is_open:
            assert row is None
            assert bar.review_count == expected.review_total == 2
            continue
        assert bar.review_count == 0
        fields = [f.attname for f in Contact._meta.concrete_fields]
        _same(row, expected, [*fields, "review_total", "open_first"])
        assert row.agent_id == staff.pk
        # The related rows came with it, as select_related gives them (no further query).
        with CaptureQueriesContext(connection) as queries:
            assert row.citizen.full_name == expected.citizen.full_name
            assert row.citizen.reference == expected.citizen.reference
            assert row.channel == expected.channel
            assert row.location == expected.location
        assert len(queries) == 0
        assert row.citizen.get_deferred_fields() == expected.citizen.get_deferred_fields()


def test_the_open_contact_is_the_callers_own():
    one, two = StaffFactory(username="one"), StaffFactory(username="two")
    mine = ContactFactory(agent=one)
    assert contact_open_for(staff=one) == mine
    assert contact_open_for(staff=two) is None
    theirs = ContactFactory(agent=two)
    assert contact_open_for(staff=two) == theirs
    assert contact_open_for(staff=one) == mine


def test_the_sql_is_the_querysets_own():
    staff = StaffFactory()
    ContactFactory(agent=staff)
    with CaptureQueriesContext(connection) as direct:
        _bar_read(staff.pk).first()
    with CaptureQueriesContext(connection) as kept:
        contact_bar_for(staff=staff)
    assert [q["sql"] for q in kept] == [q["sql"] for q in direct]


def test_a_stand_in_that_is_not_a_parameter_is_refused():
    read = PrecompiledRead(lambda pk: Staff.objects.filter(pk=1)[:1], pk=-790_000_001)
    with pytest.raises(ValueError, match="stand-in"):
        read.objects(pk=5)


def test_only_model_instances_without_prefetching():
    values = PrecompiledRead(lambda pk: Staff.objects.filter(pk=pk).values("pk"), pk=-790_000_001)
    with pytest.raises(ValueError, match="model instances only"):
        values.objects(pk=5)
    prefetching = PrecompiledRead(
        lambda pk: Staff.objects.filter(pk=pk).prefetch_related("groups"), pk=-790_000_001
    )
    with pytest.raises(ValueError, match="model instances only"):
        prefetching.objects(pk=5)


def test_annotations_and_several_rows():
    staff = [StaffFactory(username=f"s{i}") for i in range(3)]
    read = PrecompiledRead(
        lambda first: (
            Staff.objects.filter(pk__gte=first).annotate(roles=Count("groups")).order_by("pk")
        ),
        first=-790_000_001,
    )
    got = read.objects(first=staff[1].pk)
    assert [s.pk for s in got] == [s.pk for s in staff[1:]]
    assert [s.roles for s in got] == [0, 0]
