"""((placeholders)) in dynamic content blocks: checked when saving, filled when shown.

A block's text is plain words with ((field)) placeholders — the fields of the snapshot schema
of its service-account type (verification.snapshot_schema) plus `reference` (the account
reference) and `updated` (when the data was last updated). Nothing else is interpreted: no
template code, no HTML (the text is escaped when shown).
"""

import re

from django.utils.html import escape, linebreaks

from verification.snapshot_schema import format_value, schema_for

PLACEHOLDER = re.compile(r"\(\(\s*([A-Za-z0-9_]*)\s*\)\)")
EXTRA = {
    "reference": "The service account's reference",
    "updated": "When the back-office data was last updated",
}
MISSING = "not recorded"


def placeholders_available(kind: str) -> dict[str, str]:
    """{name: label} of the placeholders a block of this service-account type may use."""
    schema = schema_for(kind)
    fields = {f.key: f.label for f in schema.fields} if schema else {}
    return fields | EXTRA


def placeholders_problems(kind: str, text: str) -> list[str]:
    """Plain-words problems with a block's text (empty when it can be saved)."""
    problems = []
    if schema_for(kind) is None:
        return [f"There is no snapshot schema for the service-account type “{kind}”."]
    if "{{" in text or "{%" in text or "}}" in text or "%}" in text:
        problems.append(
            "Template code like {{ … }} or {% … %} is not allowed. Write placeholders as "
            "((name)), for example ((balance))."
        )
    available = placeholders_available(kind)
    unknown = []
    for match in PLACEHOLDER.finditer(text):
        name = match.group(1)
        if name not in available and name not in unknown:
            unknown.append(name)
    for name in unknown:
        shown = f"(({name}))" if name else "(( ))"
        problems.append(
            f"The placeholder {shown} does not exist. Use one of: "
            + ", ".join(f"(({n}))" for n in available)
            + "."
        )
    leftover = PLACEHOLDER.sub("", text)
    if "((" in leftover or "))" in leftover:
        problems.append("A placeholder is not closed: write it as ((name)).")
    return problems


def placeholders_fill(text: str, values: dict) -> str:
    """Safe HTML of the block: text escaped, placeholders replaced by formatted values."""

    def value_of(match):
        value = values.get(match.group(1))
        return format_value(value) if value not in (None, "") else MISSING

    parts, last = [], 0
    for match in PLACEHOLDER.finditer(text):
        parts.append(escape(text[last : match.start()]))
        parts.append(f"<strong>{escape(value_of(match))}</strong>")
        last = match.end()
    parts.append(escape(text[last:]))
    return linebreaks("".join(parts), autoescape=False)
