"""Every view of a citizen's personal data, on any surface, writes an audit row naming that
citizen, the member of staff and the object (issue 11, item 4)."""

import re

import pytest
from django.contrib import admin
from django.urls import reverse

from audit.models import AuditEvent
from tests.security.classified import NOT_PERSONAL, PERSONAL, POST_ONLY
from tests.security.walk import citizen_relation, schema_operations
from tests.security.world import url_patterns

pytestmark = pytest.mark.django_db


def _rows_since(last_id, staff):
    return list(AuditEvent.objects.filter(pk__gt=last_id, actor=staff))


def _last_id():
    row = AuditEvent.objects.order_by("-pk").first()
    return row.pk if row else 0


def test_every_read_of_personal_data_is_audited_on_every_surface(world, staff_client):
    staff = world.staff
    names = {p.name for p in url_patterns()}
    unclassified = sorted(names - set(PERSONAL) - POST_ONLY - set(NOT_PERSONAL))
    assert unclassified == [], "classify these URLs in tests/security/classified.py"
    stale = sorted((set(PERSONAL) | POST_ONLY | set(NOT_PERSONAL)) - names)
    assert stale == []
    schema_names = {name for _, _, name in schema_operations(staff_client)}
    assert schema_names - set(PERSONAL) - POST_ONLY - set(NOT_PERSONAL) == set()

    failures = []
    for name, subject in sorted(PERSONAL.items()):
        url = reverse(name, kwargs=subject.kwargs(world))
        query = subject.query(world) if subject.query else {}
        before = _last_id()
        response = staff_client.get(url, query)
        if response.status_code != subject.status:
            failures.append(f"{name}: GET {url} gave {response.status_code}")
            continue
        citizen, obj = subject.citizen(world), subject.obj(world)
        rows = _rows_since(before, staff)
        if not any(
            r.citizen_id == citizen.pk
            and r.object_type == obj._meta.label_lower
            and r.object_id == str(obj.pk)
            for r in rows
        ):
            seen = [(r.action, r.citizen_id, r.object_type, r.object_id) for r in rows]
            failures.append(
                f"{name}: no audit row naming citizen {citizen.pk} and "
                f"{obj._meta.label_lower} {obj.pk} (rows: {seen})"
            )
    for name in sorted(POST_ONLY):
        pattern = next(p for p in url_patterns() if p.name == name)
        kwargs = {k: _sample(k, world) for k in _route_args(pattern.route)}
        response = staff_client.get(reverse(name, kwargs=kwargs))
        if response.status_code != 405:
            failures.append(f"{name}: listed as POST only but GET gave {response.status_code}")
    assert not failures, "\n".join(failures)


def test_every_django_admin_view_of_case_data_is_audited(world, staff_client):
    """Every admin list of a model holding citizens' data, and every record opened there."""
    staff = world.staff
    failures = []
    for model in admin.site._registry:
        relation = citizen_relation(model)
        if relation is None:
            continue
        label = model._meta.label_lower
        info = (model._meta.app_label, model._meta.model_name)
        before = _last_id()
        response = staff_client.get(reverse("admin:{}_{}_changelist".format(*info)))
        assert response.status_code == 200, label
        rows = _rows_since(before, staff)
        if not any(r.detail == {"admin": "changelist", "model": label} for r in rows):
            failures.append(f"{label}: admin list not audited")
        lookup = {f"{relation}__isnull": False} if relation else {}
        obj = model.objects.filter(**lookup).order_by("pk").first()
        if obj is None:  # nothing of this kind in the demo data: the list is checked above
            continue
        citizen_id = model.objects.filter(pk=obj.pk).values_list(relation or "pk", flat=True)[0]
        before = _last_id()
        response = staff_client.get(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]))
        assert response.status_code == 200, label
        if not any(
            r.citizen_id == citizen_id and r.object_type == label and r.object_id == str(obj.pk)
            for r in _rows_since(before, staff)
        ):
            failures.append(f"{label}: admin record view not audited")
    assert not failures, "\n".join(failures)


ROUTE_ARGUMENT = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>")


def _route_args(route):
    return [a or b for a, b in ROUTE_ARGUMENT.findall(route)]


def _sample(arg, world):
    """Any value will do for a POST-only URL: the GET is refused before anything is read."""
    return {"action": "advance", "system": "council_tax", "reference": "X"}.get(arg, 1)
