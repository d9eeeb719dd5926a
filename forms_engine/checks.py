"""Checks run before publishing. A form that would break for the people filling it is refused
with every problem in plain words, so an administrator can fix them all in one go."""

import re

from forms_engine.definition import Definition
from forms_engine.field_types import relative_date

CHOICE_KINDS = {"radios", "checkboxes", "select"}
FIELD_ACTIONS = {"show_field", "hide_field", "require", "set_value"}
PAGE_ACTIONS = {"show_page", "hide_page", "skip_to"}
# Page addresses the filling pages use themselves (/forms/<slug>/check/ …).
RESERVED_PAGE_KEYS = {"check", "done", "save", "saved", "continue"}
NEEDS_VALUE = {"equals", "not_equals", "one_of", "contains", "gt", "lt", "before", "after"}


def _group_impossible(group, definition) -> bool:
    """True when a group's conditions can never all hold together."""
    equals: dict[str, set] = {}
    answered, unanswered = set(), set()
    for c in group:
        fd = definition.fields.get(c.field)
        if c.operator == "answered":
            answered.add(c.field)
        elif c.operator == "not_answered":
            unanswered.add(c.field)
        if fd is None:
            continue
        if c.operator == "equals":
            equals.setdefault(c.field, set()).add(c.value.strip().lower())
            if fd.options and c.value.strip().lower() not in {o.value.lower() for o in fd.options}:
                return True
        if c.operator != "not_answered" and c.field in unanswered:
            return True
    return bool(answered & unanswered) or any(len(v) > 1 for v in equals.values())


def form_problems(snapshot: dict, *, process_exists=None, service_area_exists=None) -> list[str]:
    """Every reason not to publish `snapshot`, in plain words (empty: fine to publish)."""
    problems: list[str] = []
    definition = Definition(snapshot)
    pages = definition.pages
    if not pages:
        return ["The form has no pages. Add at least one page with a question."]

    # Keys: unique across the form, pages and fields alike.
    seen: dict[str, str] = {}
    for page in snapshot.get("pages", []):
        for f in page.get("fields", []):
            for item in [f, *f.get("children", [])]:
                where = f"page “{page.get('title')}”"
                if item["key"] in seen:
                    problems.append(
                        f"Two fields use the key “{item['key']}” ({seen[item['key']]} and "
                        f"{where}). Give each field its own key."
                    )
                else:
                    seen[item["key"]] = where
    page_keys = [p.key for p in pages]
    for key in sorted(set(page_keys) & RESERVED_PAGE_KEYS):
        problems.append(f"A page cannot use the key “{key}”: the site uses it. Choose another.")
    for key in {k for k in page_keys if page_keys.count(k) > 1}:
        problems.append(f"Two pages use the key “{key}”. Give each page its own key.")

    for page in pages:
        if not page.fields:
            problems.append(f"Page “{page.title}” has no questions or content.")
        for fd in [f for f in definition.fields.values() if f.page_key == page.key]:
            if fd.kind in CHOICE_KINDS and len(fd.options) < 2:
                problems.append(f"“{fd.label}” needs at least two options to choose from.")
            if fd.kind in CHOICE_KINDS:
                values = [o.value for o in fd.options]
                if len(set(values)) != len(values):
                    problems.append(f"“{fd.label}” lists the same option twice.")
            if fd.kind == "repeating" and not fd.children:
                problems.append(
                    f"The repeating group “{fd.label}” has no fields inside it. Add fields and "
                    "choose the group as their parent."
                )
            if fd.kind == "repeating" and any(
                c.kind in ("repeating", "file") for c in fd.children
            ):
                problems.append(
                    f"The repeating group “{fd.label}” contains a file upload or another group, "
                    "which a group cannot hold."
                )
            if fd.pattern:
                try:
                    re.compile(fd.pattern)
                except re.error:
                    problems.append(f"The pattern of “{fd.label}” is not a valid expression.")
            for name in ("date_after", "date_before"):
                text = getattr(fd, name)
                if text and relative_date(text) is None:
                    problems.append(
                        f"“{fd.label}”: “{text}” is not a date. Use today, today+3, today-30 "
                        "or 2026-01-31."
                    )
            if (
                fd.min_value is not None
                and fd.max_value is not None
                and fd.min_value > fd.max_value
            ) or (
                fd.min_length is not None
                and fd.max_length is not None
                and fd.min_length > fd.max_length
            ):
                problems.append(f"“{fd.label}”: its smallest allowed is bigger than its largest.")

    # Rules: every condition and target must exist, and come in an order that can work.
    for rule in definition.rules:
        name = f"Rule “{rule.name}”"
        if not rule.actions:
            problems.append(f"{name} does nothing: add an action.")
        for group in rule.groups:
            for c in group:
                fd = definition.fields.get(c.field)
                if fd is None:
                    problems.append(
                        f"{name} has a condition on “{c.field}”, a field that no longer exists."
                    )
                elif not fd.has_answer:
                    problems.append(
                        f"{name} has a condition on “{fd.label}”, which has no answer."
                    )
                if c.operator in NEEDS_VALUE and not (c.value or "").strip():
                    problems.append(f"{name}: the condition on “{c.field}” needs a value.")
        for action in rule.actions:
            if action.kind in FIELD_ACTIONS:
                target = definition.fields.get(action.field)
                if target is None:
                    problems.append(
                        f"{name} acts on “{action.field}”, a field that does not exist."
                    )
                    continue
                for group in rule.groups:
                    for c in group:
                        source = definition.fields.get(c.field)
                        if source is not None and source.page_index > target.page_index:
                            problems.append(
                                f"{name}: “{target.label}” depends on “{source.label}”, which "
                                "comes later in the form. Move the question or the rule."
                            )
                if action.kind == "set_value" and not action.value.strip():
                    problems.append(f"{name}: say what value to set.")
                if action.kind == "set_value":
                    for ref in re.findall(r"\{([a-z][a-z0-9_]*)\}", action.value):
                        if ref not in definition.fields:
                            problems.append(
                                f"{name} calculates with “{ref}”, a field that does not exist."
                            )
            elif action.kind in PAGE_ACTIONS:
                target_index = definition.page_index.get(action.page)
                if target_index is None:
                    problems.append(
                        f"{name} points at page “{action.page}”, which does not exist."
                    )
                    continue
                if action.kind == "skip_to" and target_index <= rule.anchor_page:
                    problems.append(
                        f"{name} skips back to page “{pages[target_index].title}” from a later "
                        "page, so people would go round in a loop. Skip forwards only."
                    )
                if action.kind in ("show_page", "hide_page"):
                    for group in rule.groups:
                        for c in group:
                            source = definition.fields.get(c.field)
                            if source is not None and source.page_index >= target_index:
                                problems.append(
                                    f"{name}: page “{pages[target_index].title}” depends on "
                                    f"“{source.label}”, which is not on an earlier page."
                                )
            elif action.kind in ("exit", "block") and not action.message.strip():
                problems.append(f"{name}: write the message people see.")
            elif action.kind == "set_process" and process_exists is not None:
                if not process_exists(action.value.strip()):
                    problems.append(
                        f"{name} starts process “{action.value}”, which does not exist."
                    )
            elif (
                action.kind == "set_service_area"
                and service_area_exists is not None
                and not service_area_exists(action.value.strip())
            ):
                problems.append(
                    f"{name} sends to service area “{action.value}”, which does not exist."
                )

    # Pages reachable from the start: edges to the next page (unless an unconditional skip or
    # exit leaves it) and to skip targets; pages hidden by an unconditional rule are never shown.
    always_hidden_pages, always_hidden_fields = set(), set()
    show_targets_p, show_targets_f = {}, {}
    for rule in definition.rules:
        possible = not rule.groups or any(
            not _group_impossible(g, definition) for g in rule.groups
        )
        for action in rule.actions:
            if action.kind == "hide_page" and not rule.groups:
                always_hidden_pages.add(action.page)
            if action.kind == "hide_field" and not rule.groups:
                always_hidden_fields.add(action.field)
            if action.kind == "show_page":
                show_targets_p[action.page] = show_targets_p.get(action.page, False) or possible
            if action.kind == "show_field":
                show_targets_f[action.field] = show_targets_f.get(action.field, False) or possible
    always_hidden_pages |= {k for k, ok in show_targets_p.items() if not ok}
    always_hidden_fields |= {k for k, ok in show_targets_f.items() if not ok}

    edges: dict[int, set] = {i: set() for i in range(len(pages))}
    for i in range(len(pages) - 1):
        edges[i].add(i + 1)
    for rule in definition.rules:
        for action in rule.actions:
            target = definition.page_index.get(action.page)
            if action.kind == "skip_to" and target is not None and target > rule.anchor_page:
                edges[rule.anchor_page].add(target)
                if not rule.groups:
                    edges[rule.anchor_page].discard(rule.anchor_page + 1)
            if action.kind == "exit" and not rule.groups:
                edges[rule.anchor_page].discard(rule.anchor_page + 1)
    reachable, todo = set(), [0]
    while todo:
        i = todo.pop()
        if i in reachable:
            continue
        reachable.add(i)
        todo.extend(edges[i])
    for i, page in enumerate(pages):
        if i not in reachable:
            problems.append(
                f"Page “{page.title}” cannot be reached from the start of the form (a skip or "
                "an exit always jumps over it)."
            )
        elif page.key in always_hidden_pages:
            problems.append(f"Page “{page.title}” is always hidden, so nobody would ever see it.")

    for fd in definition.fields.values():
        if not fd.required or not fd.has_answer or fd.kind in ("hidden",):
            continue
        page_hidden = fd.page_key in always_hidden_pages or (
            definition.page_index[fd.page_key] not in reachable
        )
        if fd.key in always_hidden_fields or page_hidden:
            problems.append(
                f"“{fd.label}” is required but always hidden, so the form could never be sent. "
                "Make it optional or change the rule that hides it."
            )
    # Keep the order stable and drop repeats.
    return list(dict.fromkeys(problems))
