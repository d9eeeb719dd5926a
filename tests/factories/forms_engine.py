"""Forms for tests: built from the snapshot shape and published, like the demo forms."""

import itertools

from forms_engine.builder import form_create_from_spec
from forms_engine.models import Portal
from tests.factories.organisation import ServiceAreaFactory

_counter = itertools.count(1)

PORTALS = {
    "citizen": ("Citizen portal", Portal.Kind.PUBLIC),
    "contact-centre": ("Contact centre – internal", Portal.Kind.STAFF),
    "reception": ("Reception", Portal.Kind.STAFF),
    "partner": ("Partner portal", Portal.Kind.PARTNER),
}


def portal(slug):
    name, kind = PORTALS.get(slug, (slug.title(), Portal.Kind.STAFF))
    return Portal.objects.get_or_create(slug=slug, defaults={"name": name, "kind": kind})[0]


def field(key, kind="text", label=None, **extra):
    return {
        "key": key,
        "kind": kind,
        "label": label or key.replace("_", " ").capitalize(),
        **extra,
    }


def page(key, *fields, title=None, **extra):
    return {
        "key": key,
        "title": title or key.replace("_", " ").capitalize(),
        "fields": list(fields),
        **extra,
    }


def rule(name, conditions, actions):
    """conditions: [(field, operator, value)] or [(group, field, operator, value)];
    actions: [dict(kind=..., field=..., page=..., value=..., message=...)]."""
    conds = []
    for c in conditions:
        group, rest = (c[0], c[1:]) if len(c) == 4 else (1, c)
        conds.append({"group": group, "field": rest[0], "operator": rest[1], "value": rest[2]})
    return {"name": name, "conditions": conds, "actions": actions}


def published_form(
    *,
    pages,
    rules=(),
    slug=None,
    portals=("citizen",),
    process_code="",
    service_area=None,
    actor=None,
    publish=True,
    **extra,
):
    for slug_ in portals:
        portal(slug_)
    n = next(_counter)
    spec = {
        "slug": slug or f"test-form-{n}",
        "name": extra.pop("name", f"Test form {n}"),
        "service_area": service_area or ServiceAreaFactory(),
        "portals": list(portals),
        "process_code": process_code,
        "pages": pages,
        "rules": list(rules),
        **extra,
    }
    return form_create_from_spec(actor=actor, spec=spec, publish=publish)
