"""One date-range naming (`date_from`/`date_to`) everywhere; the names used before still work."""

import pytest
from django.http import QueryDict

from audit.filters import AuditEventFilter
from audit.models import AuditEvent
from core.filters import date_range_aliases
from requests_tracking.filters import RequestFilter
from timeline.filters import TimelineFilter


def test_old_names_are_read_as_the_new_ones_without_overriding_them():
    data = QueryDict("since=1/3/2026&until=2/3/2026&date_to=5/3/2026")
    read = date_range_aliases(data, {"since": "date_from", "until": "date_to"})
    assert (read["date_from"], read["date_to"]) == ("1/3/2026", "5/3/2026")
    assert "date_from" not in data, "the request's own data is not changed"


@pytest.mark.parametrize("filterset", [AuditEventFilter, TimelineFilter, RequestFilter])
def test_every_date_filter_is_called_date_from_and_date_to(filterset):
    assert {"date_from", "date_to"} <= set(filterset.base_filters)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("filterset", "old"),
    [
        (AuditEventFilter, {"since": "since", "until": "until"}),
        (RequestFilter, {"since": "created_from", "until": "created_to"}),
    ],
)
def test_old_and_new_names_filter_the_same(filterset, old):
    model_qs = AuditEvent.objects.all() if filterset is AuditEventFilter else None
    kwargs = {"queryset": model_qs} if model_qs is not None else {}
    new = filterset(QueryDict("date_from=1/3/2026&date_to=2/3/2026"), **kwargs)
    former = filterset(QueryDict(f"{old['since']}=1/3/2026&{old['until']}=2/3/2026"), **kwargs)
    assert new.form.is_valid()
    assert former.form.is_valid()
    assert new.form.cleaned_data.get("date_from") == former.form.cleaned_data.get("date_from")
    assert str(new.qs.query) == str(former.qs.query)


@pytest.mark.django_db
def test_a_mistake_is_reported_under_the_name_that_was_sent():
    assert set(RequestFilter(QueryDict("created_from=nonsense")).errors) == {"created_from"}
    assert set(RequestFilter(QueryDict("date_from=nonsense")).errors) == {"date_from"}
