"""Reading a posted page, deciding where people may go, and building check-your-answers —
shared by the public pages, staff filling and partner portals. No writes here."""

from dataclasses import dataclass, field

from forms_engine.field_types import FieldError, GroupErrors
from forms_engine.logic import LogicState, evaluate

CHECK = "__check__"
EXIT = "__exit__"


@dataclass
class PageResult:
    raw: dict  # field key -> raw answer as posted (to show back)
    cleaned: dict  # field key -> value to store, for valid shown fields
    errors: dict  # input name -> message, in page order
    state: LogicState
    action: str = ""  # "add:<key>", "remove:<key>:<i>", "remove_file:<key>:<id>" or ""
    file_fields: list = field(default_factory=list)


def _input_name(fd, suffix=None):
    return f"{fd.key}-{suffix}" if suffix else fd.key


def page_read(definition, page, data, files, answers) -> PageResult:
    """Read and check one posted page against the answers so far.

    Only the page's own fields are read; conditions are evaluated with this page's valid answers
    in place, then hidden fields are ignored (nothing posted for them is kept) and required ones
    are checked.
    """
    action = ""
    if data.get("_add"):
        action = f"add:{data['_add']}"
    elif data.get("_remove"):
        action = f"remove:{data['_remove']}"
    raw, cleaned, problems = {}, {}, {}
    for fd in page.fields:
        if not fd.has_answer:
            continue
        raw[fd.key] = fd.type.parse(fd, data, files, fd.key)
        try:
            value = fd.type.clean(fd, raw[fd.key], required=False, ctx={"name": fd.key})
        except GroupErrors as exc:
            problems[fd.key] = exc.errors
            continue
        except FieldError as exc:
            problems[fd.key] = {_input_name(fd, exc.name): exc.message}
            continue
        cleaned[fd.key] = value
    tentative = {**answers, **{k: v for k, v in cleaned.items() if k}}
    state = evaluate(definition, tentative)
    errors = {}
    for fd in page.fields:
        if not fd.has_answer or not state.field_shown(fd):
            cleaned.pop(fd.key, None)
            continue
        if fd.key in problems:
            errors.update(problems[fd.key])
            cleaned.pop(fd.key, None)
            continue
        if state.field_required(fd) and cleaned.get(fd.key) in (None, "", [], {}):
            try:
                fd.type.clean(fd, raw.get(fd.key), required=True, ctx={"name": fd.key})
            except GroupErrors as exc:
                errors.update(exc.errors)
            except FieldError as exc:
                errors[_input_name(fd, exc.name)] = exc.message
            cleaned.pop(fd.key, None)
    return PageResult(raw=raw, cleaned=cleaned, errors=errors, state=state, action=action)


def route_position(state, pages_done, page_key):
    """Where a person may be: the first page on the route not done yet (CHECK when all are),
    or EXIT when the route ends in an exit they have reached."""
    for key in state.route:
        if key not in pages_done:
            return key
        if key == state.exit_after:
            return EXIT
    return CHECK


def may_open(state, pages_done, page_key) -> bool:
    """A page may be opened when it is on the route and every page before it is done."""
    if page_key not in state.route:
        return False
    for key in state.route:
        if key == page_key:
            return True
        if key not in pages_done:
            return False
        if key == state.exit_after:
            return False
    return False


def next_after(state, page_key) -> str:
    if page_key == state.exit_after:
        return EXIT
    route = state.route
    if page_key in route:
        index = route.index(page_key)
        if index + 1 < len(route):
            return route[index + 1]
    return CHECK


def previous_before(state, page_key) -> str | None:
    route = state.route
    if page_key == CHECK:
        return route[-1] if route else None
    if page_key in route:
        index = route.index(page_key)
        return route[index - 1] if index > 0 else None
    return None


@dataclass
class AnswerRow:
    key: str
    label: str
    value: str
    page_key: str
    page_title: str


def answer_rows(definition, answers, state, *, file_names=None) -> list[AnswerRow]:
    """Check-your-answers: every shown field with an answer, page by page."""
    ctx = {"file_names": file_names or {}}
    rows = []
    for page in definition.pages:
        if page.key not in state.route:
            continue
        for fd in page.fields:
            if not fd.has_answer or fd.kind == "hidden" or not state.field_shown(fd):
                continue
            value = state.values.get(fd.key, answers.get(fd.key))
            text = fd.type.display(fd, value, ctx) if value not in (None, "", [], {}) else ""
            rows.append(AnswerRow(fd.key, fd.label, text or "Not answered", page.key, page.title))
    return rows


def missing_required(definition, answers, state) -> list:
    """Shown required fields with no answer (a draft can be older than a rule's effect)."""
    missing = []
    for page in definition.pages:
        if page.key not in state.route:
            continue
        for fd in page.fields:
            if fd.kind in ("hidden", "content") or not state.field_required(fd):
                continue
            if answers.get(fd.key) in (None, "", [], {}) and fd.key not in state.values:
                missing.append(fd)
    return missing
