"""What changed between two versions of a form, in words an administrator reads."""

from forms_engine.definition import FIELD_ATTRS

LABELS = {
    "label": "label",
    "hint": "hint",
    "required": "required",
    "kind": "type",
    "options": "options",
    "content": "text",
    "min_length": "shortest length",
    "max_length": "longest length",
    "min_value": "smallest value",
    "max_value": "largest value",
    "pattern": "pattern",
    "date_after": "earliest date",
    "date_before": "latest date",
    "max_items": "most items",
    "file_types": "file types",
    "max_file_mb": "largest file",
}


def _fields(snapshot):
    out = {}
    for page in snapshot.get("pages", []):
        for f in page.get("fields", []):
            out[f["key"]] = (page["key"], f)
            for child in f.get("children", []):
                out[child["key"]] = (page["key"], child)
    return out


def _rule_text(rule):
    conditions = " / ".join(
        f"{c['field']} {c['operator']} {c.get('value', '')}".strip()
        for c in rule.get("conditions", [])
    )
    actions = ", ".join(
        f"{a['kind']} {a.get('field') or a.get('page') or a.get('value') or ''}".strip()
        for a in rule.get("actions", [])
    )
    return f"when {conditions or 'always'}: {actions}"


def versions_diff(old: dict, new: dict) -> list[str]:
    """One plain sentence per difference, pages first, then fields, then rules."""
    changes = []
    old_meta, new_meta = old.get("form", {}), new.get("form", {})
    for key, words in (
        ("name", "Form name"),
        ("description", "Description"),
        ("process_code", "Process it starts"),
        ("confirmation_text", "Confirmation text"),
    ):
        if old_meta.get(key) != new_meta.get(key):
            changes.append(
                f"{words} changed from “{old_meta.get(key) or ''}” to “{new_meta.get(key) or ''}”."
            )
    old_pages = {p["key"]: (i, p) for i, p in enumerate(old.get("pages", []))}
    new_pages = {p["key"]: (i, p) for i, p in enumerate(new.get("pages", []))}
    for key in new_pages.keys() - old_pages.keys():
        changes.append(f"Page added: “{new_pages[key][1]['title']}”.")
    for key in old_pages.keys() - new_pages.keys():
        changes.append(f"Page removed: “{old_pages[key][1]['title']}”.")
    for key in old_pages.keys() & new_pages.keys():
        (oi, op), (ni, np) = old_pages[key], new_pages[key]
        if op.get("title") != np.get("title"):
            changes.append(f"Page “{op['title']}” renamed “{np['title']}”.")
        if oi != ni:
            changes.append(f"Page “{np['title']}” moved from position {oi + 1} to {ni + 1}.")
        if op.get("intro") != np.get("intro"):
            changes.append(f"Page “{np['title']}”: introduction changed.")
    old_fields, new_fields = _fields(old), _fields(new)
    for key in sorted(new_fields.keys() - old_fields.keys()):
        page, f = new_fields[key]
        changes.append(f"Field added: “{f['label']}” ({key}) on page {page}.")
    for key in sorted(old_fields.keys() - new_fields.keys()):
        changes.append(f"Field removed: “{old_fields[key][1]['label']}” ({key}).")
    for key in sorted(old_fields.keys() & new_fields.keys()):
        (op, of), (np_, nf) = old_fields[key], new_fields[key]
        if op != np_:
            changes.append(f"Field “{nf['label']}” moved from page {op} to page {np_}.")
        for attr in FIELD_ATTRS:
            if attr == "key":
                continue
            if of.get(attr) != nf.get(attr) and (of.get(attr) or nf.get(attr)):
                words = LABELS.get(attr, attr.replace("_", " "))
                changes.append(
                    f"Field “{nf['label']}”: {words} changed from “{of.get(attr)}” to "
                    f"“{nf.get(attr)}”."
                )
    old_rules = {r["name"]: r for r in old.get("rules", [])}
    new_rules = {r["name"]: r for r in new.get("rules", [])}
    for name in sorted(new_rules.keys() - old_rules.keys()):
        changes.append(f"Rule added: “{name}” ({_rule_text(new_rules[name])}).")
    for name in sorted(old_rules.keys() - new_rules.keys()):
        changes.append(f"Rule removed: “{name}”.")
    for name in sorted(old_rules.keys() & new_rules.keys()):
        if _rule_text(old_rules[name]) != _rule_text(new_rules[name]):
            changes.append(
                f"Rule “{name}” changed: was {_rule_text(old_rules[name])}; now "
                f"{_rule_text(new_rules[name])}."
            )
    return changes
