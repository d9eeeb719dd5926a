"""A form's frozen definition: the snapshot JSON written at publishing, and the read-only
objects the filling pages and the logic run on.

`snapshot_build(form)` reads the working copy (a fixed handful of queries) into plain JSON;
`definition_for(version)` parses a version's snapshot once per process and keeps it (versions
never change), so rendering a page costs no queries for the form's structure.
"""

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal

SNAPSHOT_SCHEMA = 1

# Attributes of a field copied into the snapshot (and restored from it on rollback).
FIELD_ATTRS = [
    "key",
    "kind",
    "label",
    "hint",
    "required",
    "options",
    "content",
    "prefill",
    "default",
    "min_length",
    "max_length",
    "length_error",
    "min_value",
    "max_value",
    "range_error",
    "pattern",
    "pattern_error",
    "date_after",
    "date_before",
    "date_error",
    "required_error",
    "format_error",
    "max_items",
    "file_types",
    "max_file_mb",
]


def _plain(value):
    if isinstance(value, Decimal):
        return str(int(value)) if value == value.to_integral() else format(value.normalize(), "f")
    return value


def _field_json(field_row, children=()):
    data = {name: _plain(getattr(field_row, name)) for name in FIELD_ATTRS}
    if field_row.kind == "repeating":
        data["children"] = [_field_json(child) for child in children]
    return data


def snapshot_build(form) -> dict:
    """The working copy of `form` as JSON (what publishing freezes)."""
    from forms_engine.models import FormField, FormPage, FormRule

    pages = list(FormPage.objects.filter(form=form).order_by("order", "id"))
    fields = list(FormField.objects.filter(page__form=form).order_by("page__order", "order", "id"))
    rules = list(
        FormRule.objects.filter(form=form)
        .prefetch_related("conditions", "actions")
        .order_by("order", "id")
    )
    children = {}
    for f in fields:
        if f.parent_id:
            children.setdefault(f.parent_id, []).append(f)
    by_page = {}
    for f in fields:
        if not f.parent_id:
            by_page.setdefault(f.page_id, []).append(f)
    return {
        "schema": SNAPSHOT_SCHEMA,
        "form": {
            "name": form.name,
            "slug": form.slug,
            "description": form.description,
            "service_area_id": form.service_area_id,
            "process_code": form.process_code,
            "confirmation_text": form.confirmation_text,
        },
        "pages": [
            {
                "key": p.key,
                "title": p.title,
                "intro": p.intro,
                "fields": [_field_json(f, children.get(f.pk, ())) for f in by_page.get(p.pk, [])],
            }
            for p in pages
        ],
        "rules": [
            {
                "name": r.name,
                "conditions": [
                    {
                        "group": c.group,
                        "field": c.field_key,
                        "operator": c.operator,
                        "value": c.value,
                    }
                    for c in r.conditions.all()
                ],
                "actions": [
                    {
                        "kind": a.kind,
                        "field": a.target_field,
                        "page": a.target_page,
                        "value": a.value,
                        "message": a.message,
                    }
                    for a in r.actions.all()
                ],
            }
            for r in rules
        ],
    }


# --- runtime objects ----------------------------------------------------------------------


@dataclass
class Option:
    value: str
    label: str


@dataclass
class FieldDef:
    key: str
    kind: str
    label: str
    hint: str = ""
    required: bool = True
    options: list = field(default_factory=list)
    content: str = ""
    prefill: str = ""
    default: str = ""
    min_length: int | None = None
    max_length: int | None = None
    length_error: str = ""
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    range_error: str = ""
    pattern: str = ""
    pattern_error: str = ""
    date_after: str = ""
    date_before: str = ""
    date_error: str = ""
    required_error: str = ""
    format_error: str = ""
    max_items: int | None = None
    file_types: str = ""
    max_file_mb: int | None = None
    children: list = field(default_factory=list)
    page_key: str = ""
    page_index: int = 0
    parent_key: str = ""

    @property
    def type(self):
        from forms_engine.field_types import field_type

        return field_type(self.kind)

    @property
    def has_answer(self):
        return self.type.has_answer

    def option_label(self, value) -> str:
        for option in self.options:
            if option.value == value:
                return option.label
        return str(value)

    @property
    def option_values(self):
        return [o.value for o in self.options]


def options_parse(text: str) -> list[Option]:
    """'value | label' or 'label' per line -> options (the value of a bare label is itself)."""
    options = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        if "|" in line:
            value, label = (part.strip() for part in line.split("|", 1))
        else:
            value = label = line
        options.append(Option(value=value or label, label=label or value))
    return options


YES_NO_OPTIONS = [Option("yes", "Yes"), Option("no", "No")]


def _field_def(data: dict, *, page_key="", page_index=0, parent_key="") -> FieldDef:
    values = {name: data.get(name) for name in FIELD_ATTRS if name in data}
    for name in ("min_value", "max_value"):
        if values.get(name) not in (None, ""):
            values[name] = Decimal(str(values[name]))
    for name, val in list(values.items()):
        if val is None and name not in (
            "min_length",
            "max_length",
            "min_value",
            "max_value",
            "max_items",
            "max_file_mb",
        ):
            values[name] = ""
    values["options"] = (
        YES_NO_OPTIONS if data.get("kind") == "yes_no" else options_parse(data.get("options", ""))
    )
    fd = FieldDef(**values, page_key=page_key, page_index=page_index, parent_key=parent_key)
    fd.children = [
        _field_def(child, page_key=page_key, page_index=page_index, parent_key=fd.key)
        for child in data.get("children", [])
    ]
    return fd


@dataclass
class PageDef:
    key: str
    title: str
    intro: str
    index: int
    fields: list


@dataclass
class ConditionDef:
    group: int
    field: str
    operator: str
    value: str


@dataclass
class ActionDef:
    kind: str
    field: str = ""
    page: str = ""
    value: str = ""
    message: str = ""


@dataclass
class RuleDef:
    name: str
    groups: list  # [[ConditionDef, ...], ...]: any group whose conditions all hold
    actions: list
    anchor_page: int = 0  # the page where the rule is decided (its latest condition field's)


class Definition:
    """A parsed snapshot: pages, fields by key, rules."""

    def __init__(self, snapshot: dict, *, version_id=None, number=None):
        self.snapshot = snapshot
        self.version_id = version_id
        self.number = number
        meta = snapshot.get("form", {})
        self.name = meta.get("name", "")
        self.slug = meta.get("slug", "")
        self.description = meta.get("description", "")
        self.service_area_id = meta.get("service_area_id")
        self.process_code = meta.get("process_code", "")
        self.confirmation_text = meta.get("confirmation_text", "")
        self.pages: list[PageDef] = []
        self.fields: dict[str, FieldDef] = {}  # every field, children of groups included
        for index, page in enumerate(snapshot.get("pages", [])):
            fields = [
                _field_def(f, page_key=page["key"], page_index=index)
                for f in page.get("fields", [])
            ]
            self.pages.append(
                PageDef(page["key"], page.get("title", ""), page.get("intro", ""), index, fields)
            )
            for f in fields:
                self.fields.setdefault(f.key, f)
                for child in f.children:
                    self.fields.setdefault(child.key, child)
        self.page_index = {p.key: p.index for p in self.pages}
        self.rules: list[RuleDef] = []
        for rule in snapshot.get("rules", []):
            groups: dict[int, list] = {}
            for c in rule.get("conditions", []):
                groups.setdefault(c.get("group") or 1, []).append(
                    ConditionDef(
                        c.get("group") or 1, c["field"], c["operator"], c.get("value", "")
                    )
                )
            anchor = max(
                (
                    self.fields[c.field].page_index
                    for g in groups.values()
                    for c in g
                    if c.field in self.fields
                ),
                default=0,
            )
            self.rules.append(
                RuleDef(
                    name=rule.get("name", ""),
                    groups=[groups[k] for k in sorted(groups)],
                    actions=[ActionDef(**a) for a in rule.get("actions", [])],
                    anchor_page=anchor,
                )
            )

    def page(self, key) -> PageDef | None:
        index = self.page_index.get(key)
        return self.pages[index] if index is not None else None

    def answer_fields(self):
        """Top-level fields that hold an answer, in form order (CSV columns, summaries)."""
        return [f for p in self.pages for f in p.fields if f.has_answer]


_cache: "OrderedDict[tuple, Definition]" = OrderedDict()
_cache_lock = threading.Lock()
CACHE_SIZE = 256


def _cache_key(version):
    # The publishing time as well as the id: an id alone can come back after a rolled-back
    # transaction (SQLite), and a stale definition must never be served for it.
    return (version.pk, version.published_at)


def cached_definition(version) -> "Definition | None":
    with _cache_lock:
        found = _cache.get(_cache_key(version))
        if found is not None:
            _cache.move_to_end(_cache_key(version))
        return found


def definition_for(version) -> Definition:
    """The parsed definition of a published version, parsed once per process."""
    found = cached_definition(version)
    if found is not None:
        return found
    parsed = Definition(version.snapshot, version_id=version.pk, number=version.number)
    with _cache_lock:
        _cache[_cache_key(version)] = parsed
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return parsed
