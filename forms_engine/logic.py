"""Rules, evaluated on the server every time a page is shown, saved or submitted.

`evaluate(definition, answers)` decides which fields and pages are shown, which fields are
required, where "continue" goes (skips and exits), what rules set or calculate, what blocks
submission and where the request is routed. Answers to hidden fields count as not answered, so a
rule can never be satisfied by something the person cannot see; the browser may hide things for
comfort, never for correctness.
"""

import ast
import datetime as dt
import operator
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from forms_engine.field_types import relative_date

MAX_PASSES = 6
PLACEHOLDER_RE = re.compile(r"\{([a-z][a-z0-9_]*)\}")


@dataclass
class LogicState:
    route: list = field(default_factory=list)  # page keys in the order they are filled
    hidden_fields: set = field(default_factory=set)
    hidden_pages: set = field(default_factory=set)
    required: set = field(default_factory=set)  # made required by a rule
    values: dict = field(default_factory=dict)  # set or calculated by a rule
    blocks: list = field(default_factory=list)  # messages that stop submission
    exit_after: str = ""  # page key after which the form ends ("cannot apply online")
    exit_message: str = ""
    routing: dict = field(default_factory=dict)  # {"process_code", "service_area"}
    fired: list = field(default_factory=list)  # names of rules that applied

    def page_shown(self, key) -> bool:
        return key in self.route

    def field_shown(self, fd) -> bool:
        return fd.page_key in self.route and fd.key not in self.hidden_fields

    def field_required(self, fd) -> bool:
        return self.field_shown(fd) and (fd.required or fd.key in self.required)


# --- conditions -------------------------------------------------------------------------------


def _decimal(text):
    try:
        number = Decimal(str(text).replace(",", "").replace("£", "").strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


_dates: dict = {}


def _date_of(text, today):
    """relative_date, remembered per (text, day): rules compare against the same few dates."""
    key = (text, today)
    found = _dates.get(key)
    if found is None:
        if len(_dates) > 4096:
            _dates.clear()
        found = _dates[key] = relative_date(text, today) or False
    return found or None


def _compare(left, op, right_text, today):
    """left: the answer's comparison value (str, Decimal, date, list, bool)."""
    if isinstance(left, bool):
        wanted = right_text.strip().lower() in ("yes", "true", "1", "ticked", "confirmed")
        return {"equals": left == wanted, "not_equals": left != wanted}.get(op, False)
    if isinstance(left, list):
        items = [str(v).lower() for v in left if not isinstance(v, dict)]
        right = right_text.strip().lower()
        if op in ("gt", "lt"):
            number = _decimal(right_text)
            return number is not None and (
                len(left) > number if op == "gt" else len(left) < number
            )
        if op == "equals":
            return items == [right]
        if op == "not_equals":
            return right not in items
        if op == "contains":
            return right in items
        if op == "one_of":
            wanted = {v.strip().lower() for v in right_text.split(",") if v.strip()}
            return bool(wanted & set(items))
        return False
    if isinstance(left, Decimal):
        if op == "one_of":
            return any(_decimal(v) == left for v in right_text.split(","))
        right = _decimal(right_text)
        if right is None:
            return False
        return {
            "equals": left == right,
            "not_equals": left != right,
            "gt": left > right,
            "lt": left < right,
            "before": left < right,
            "after": left > right,
        }.get(op, False)
    if isinstance(left, dt.date):
        if op == "one_of":
            return any(_date_of(v, today) == left for v in right_text.split(","))
        right = _date_of(right_text, today)
        if right is None:
            return False
        return {
            "equals": left == right,
            "not_equals": left != right,
            "gt": left > right,
            "lt": left < right,
            "after": left > right,
            "before": left < right,
        }.get(op, False)
    text = str(left).strip().lower()
    right = right_text.strip().lower()
    if op == "equals":
        return text == right
    if op == "not_equals":
        return text != right
    if op == "contains":
        return right in text
    if op == "one_of":
        return text in {v.strip().lower() for v in right_text.split(",")}
    if op in ("gt", "lt", "before", "after"):
        a, b = _decimal(text), _decimal(right)
        if a is None or b is None:  # times ("09:30") and other text compare as text
            a, b = text, right
        return a > b if op in ("gt", "after") else a < b
    return False


_MISSING = object()


def condition_holds(condition, definition, answers, today, values=None) -> bool:
    """`values` memoises each field's comparison value within one evaluation pass."""
    value = _MISSING if values is None else values.get(condition.field, _MISSING)
    if value is _MISSING:
        fd = definition.fields.get(condition.field)
        if fd is None:
            return False
        raw = answers.get(condition.field)
        value = None if raw in (None, "", [], {}) else fd.type.compare_value(fd, raw)
        if values is not None:
            values[condition.field] = value
    if condition.operator == "answered":
        return value is not None
    if condition.operator == "not_answered":
        return value is None
    if value is None:
        return False
    return _compare(value, condition.operator, condition.value or "", today)


def rule_holds(rule, definition, answers, today, values=None) -> bool:
    if not rule.groups:
        return True  # a rule without conditions always applies
    return any(
        all(condition_holds(c, definition, answers, today, values) for c in group)
        for group in rule.groups
    )


# --- calculations -----------------------------------------------------------------------------

_OPS = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}


def _arith(node):
    if isinstance(node, ast.Expression):
        return _arith(node.body)
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return Decimal(str(node.value))
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        left, right = _arith(node.left), _arith(node.right)
        if isinstance(node.op, ast.Div) and right == 0:
            raise ZeroDivisionError
        return _OPS[type(node.op)](left, right)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -_arith(node.operand)
    raise ValueError("not arithmetic")


def _number_of(value):
    if isinstance(value, list):
        return Decimal(len(value))
    if isinstance(value, bool):
        return Decimal(int(value))
    return _decimal(value) if value not in (None, "") else Decimal(0)


def calculate(expression: str, answers: dict):
    """'{quantity} * 25' -> '50'; 'Ref {postcode}' -> 'Ref SW1A 1AA'. Lists count as their
    length in sums. Never runs code: only + - * / on numbers."""
    keys = PLACEHOLDER_RE.findall(expression)
    arithmetic = PLACEHOLDER_RE.sub("0", expression)
    if keys and re.fullmatch(r"[\d\s.+\-*/()]+", arithmetic):
        numbers = {k: _number_of(answers.get(k)) for k in keys}
        if any(v is None for v in numbers.values()):
            return None
        text = PLACEHOLDER_RE.sub(lambda m: f"({numbers[m.group(1)]})", expression)
        try:
            result = _arith(ast.parse(text, mode="eval"))
        except (ValueError, SyntaxError, ZeroDivisionError, InvalidOperation):
            return None
        result = result.quantize(Decimal("0.01"))
        return (
            str(int(result)) if result == result.to_integral() else format(result.normalize(), "f")
        )
    if not keys:
        return expression

    def text_of(match):
        value = answers.get(match.group(1))
        return "" if value is None else str(value)

    return PLACEHOLDER_RE.sub(text_of, expression)


# --- the whole evaluation ---------------------------------------------------------------------


def _route(definition, hidden_pages, skips, exits):
    route, exit_after, exit_message = [], "", ""
    index = 0
    pages = definition.pages
    while index < len(pages):
        page = pages[index]
        if page.key in hidden_pages:
            index += 1
            continue
        route.append(page.key)
        if index in exits:
            exit_after, exit_message = page.key, exits[index]
            break
        target = skips.get(index)
        index = target if target is not None and target > index else index + 1
    return route, exit_after, exit_message


def evaluate(definition, answers: dict, *, today: dt.date | None = None) -> LogicState:
    today = today or dt.date.today()
    working = dict(answers)
    hidden_before: set | None = None
    state = LogicState()
    for _ in range(MAX_PASSES):
        # Answers the person cannot see count as not given.
        effective = (
            working
            if not hidden_before
            else {k: v for k, v in working.items() if k not in hidden_before}
        )
        state = LogicState()
        compared = {}
        shown_fields, shown_pages = set(), set()
        show_targets_f, show_targets_p = set(), set()
        hide_f, hide_p = set(), set()
        skips, exits = {}, {}
        for rule in definition.rules:
            for action in rule.actions:
                if action.kind == "show_field":
                    show_targets_f.add(action.field)
                elif action.kind == "show_page":
                    show_targets_p.add(action.page)
            if not rule_holds(rule, definition, effective, today, compared):
                continue
            state.fired.append(rule.name)
            for action in rule.actions:
                kind = action.kind
                if kind == "show_field":
                    shown_fields.add(action.field)
                elif kind == "hide_field":
                    hide_f.add(action.field)
                elif kind == "show_page":
                    shown_pages.add(action.page)
                elif kind == "hide_page":
                    hide_p.add(action.page)
                elif kind == "skip_to":
                    target = definition.page_index.get(action.page)
                    if target is not None:
                        skips.setdefault(rule.anchor_page, target)
                elif kind == "exit":
                    exits.setdefault(rule.anchor_page, action.message)
                elif kind == "require":
                    state.required.add(action.field)
                elif kind == "set_value":
                    state.values[action.field] = calculate(action.value, effective)
                elif kind == "set_process":
                    state.routing.setdefault("process_code", action.value.strip())
                elif kind == "set_service_area":
                    state.routing.setdefault("service_area", action.value.strip())
                elif kind == "block":
                    state.blocks.append(action.message)
        state.hidden_pages = (show_targets_p - shown_pages) | hide_p
        state.route, state.exit_after, state.exit_message = _route(
            definition, state.hidden_pages, skips, exits
        )
        on_route = set(state.route)
        hidden = (show_targets_f - shown_fields) | hide_f
        for key, fd in definition.fields.items():
            if fd.page_key not in on_route or (fd.parent_key and fd.parent_key in hidden):
                hidden.add(key)
        state.hidden_fields = hidden
        changed_values = any(working.get(k) != v for k, v in state.values.items())
        working.update(state.values)
        if hidden == hidden_before and not changed_values:
            break
        hidden_before = hidden
    return state


def visible_answers(definition, answers: dict, state: LogicState) -> dict:
    """What a submission keeps: answers to shown fields, plus values rules set; hidden answers
    are dropped."""
    kept = {}
    for page in definition.pages:
        if page.key not in state.route:
            continue
        for fd in page.fields:
            if not fd.has_answer or fd.key in state.hidden_fields:
                continue
            if fd.key in state.values:
                kept[fd.key] = state.values[fd.key]
            elif fd.kind == "repeating" and answers.get(fd.key):
                shown = [c.key for c in fd.children if c.key not in state.hidden_fields]
                kept[fd.key] = [
                    {k: v for k, v in item.items() if k in shown} for item in answers[fd.key]
                ]
            elif answers.get(fd.key) not in (None, "", [], {}):
                kept[fd.key] = answers[fd.key]
    return kept
