"""An audit row's details in plain words (the page and the CSV export), never a raw dict.

Each app writes a small JSON `detail` with keys of its own; known keys get a label here and
anything else is turned into words from its name, so a new key never shows as code.
"""

import re

# key -> label ("" = the value alone says it, e.g. the event or change that happened).
LABELS = {
    "event": "",
    "change": "",
    "what": "",
    "api": "Through the API",
    "q": "Searched for",
    "query": "Searched for",
    "results": "Results",
    "matches": "Matches",
    "fields": "Fields changed",
    "changed": "Changed",
    "where": "Where",
    "via": "By",
    "advanced": "Advanced search",
    "requests": "Request filters",
    "api_requests": "Request filters (API)",
    "filters": "Filters",
    "bytes": "Size in bytes",
    "due_on": "Due on",
    "to_version": "Back to version",
    "as": "As version",
    "new_version_of": "New version of process",
    "not_duplicate_of": "Not the same person as",
    "merged": "Merged in",
    "moved": "Moved",
    "returned": "Returned",
    "refused": "Refused",
    "answers": "Security answers (names only)",
    "synced": "Fields synced",
    "citizen_id": "Citizen id",
    "contact_id": "Contact",
    "sla_state": "SLA state",
    "ip": "IP address",
}
_IDENTIFIER = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$")


def _words(name: str) -> str:
    return name.replace("_", " ")


def _label(key: str) -> str:
    if key in LABELS:
        return LABELS[key]
    text = _words(str(key))
    return text[:1].upper() + text[1:]


def _value(value) -> str:
    if value is None or value == "":
        return "none"
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if isinstance(value, dict):
        if not value:
            return "none"
        return ", ".join(f"{_label(k).lower() or _words(k)} {_value(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(_value(v) for v in value) if value else "none"
    if isinstance(value, str) and _IDENTIFIER.match(value):
        return _words(value)
    return str(value)


def detail_words(detail) -> str:
    """ "Searched for “smith”; results 3" from {"q": "smith", "results": 3}."""
    if not detail:
        return ""
    if not isinstance(detail, dict):
        return _value(detail)
    parts = []
    # PostgreSQL's jsonb keeps keys in its own order: known keys first, in LABELS' order, then
    # the rest alphabetically, so the words read the same on every database.
    order = {key: n for n, key in enumerate(LABELS)}
    for key, value in sorted(detail.items(), key=lambda kv: (order.get(kv[0], 999), kv[0])):
        label = _label(key)
        if key in ("q", "query"):
            parts.append(f"{label} “{value}”")
        elif key == "api" and value is True:
            parts.append(label)
        elif label:
            parts.append(f"{label}: {_value(value)}")
        else:
            text = _value(value)
            parts.append(text[:1].upper() + text[1:])
    return "; ".join(parts)
