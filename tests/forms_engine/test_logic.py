"""Every kind of logic action and operator, AND/OR groups, and what hiding does to answers."""

import datetime as dt

import pytest

from forms_engine.definition import Definition
from forms_engine.filling import missing_required
from forms_engine.logic import calculate, evaluate, visible_answers
from tests.factories.forms_engine import field, page, rule

TODAY = dt.date(2026, 3, 2)


def definition(pages, rules=()):
    return Definition({"form": {"name": "T"}, "pages": pages, "rules": list(rules)})


def state_for(defn, answers):
    return evaluate(defn, answers, today=TODAY)


BASE_PAGES = [
    page(
        "one",
        field("kind", "radios", options="a\nb\nc"),
        field("count", "number", required=False),
        field("when", "date", required=False),
        field("tags", "checkboxes", options="x\ny\nz", required=False),
        field("note", "text", required=False),
        field("extra", "text"),
    ),
    page("two", field("detail", "text")),
    page("three", field("last", "text")),
]


def shown_with(operator, value, answers, *, field_key):
    defn = definition(
        BASE_PAGES,
        [rule("r", [(field_key, operator, value)], [{"kind": "show_field", "field": "extra"}])],
    )
    return "extra" not in state_for(defn, answers).hidden_fields


@pytest.mark.parametrize(
    ("field_key", "operator", "value", "answers", "expected"),
    [
        ("kind", "equals", "b", {"kind": "b"}, True),
        ("kind", "equals", "B", {"kind": "b"}, True),
        ("kind", "equals", "b", {"kind": "a"}, False),
        ("kind", "not_equals", "b", {"kind": "a"}, True),
        ("kind", "not_equals", "b", {"kind": "b"}, False),
        ("kind", "one_of", "a, c", {"kind": "c"}, True),
        ("kind", "one_of", "a, c", {"kind": "b"}, False),
        ("note", "contains", "sofa", {"note": "Old SOFA"}, True),
        ("note", "contains", "sofa", {"note": "fridge"}, False),
        ("tags", "contains", "y", {"tags": ["x", "y"]}, True),
        ("tags", "contains", "z", {"tags": ["x", "y"]}, False),
        ("tags", "one_of", "z, y", {"tags": ["y"]}, True),
        ("tags", "gt", "1", {"tags": ["x", "y"]}, True),
        ("count", "gt", "3", {"count": "4"}, True),
        ("count", "gt", "3", {"count": "3"}, False),
        ("count", "lt", "3", {"count": "2.5"}, True),
        ("count", "equals", "3", {"count": "3.0"}, True),
        ("when", "before", "today", {"when": "2026-03-01"}, True),
        ("when", "before", "today", {"when": "2026-03-02"}, False),
        ("when", "after", "today+7", {"when": "2026-03-10"}, True),
        ("when", "after", "2026-03-10", {"when": "2026-03-10"}, False),
        ("note", "answered", "", {"note": "x"}, True),
        ("note", "answered", "", {}, False),
        ("note", "not_answered", "", {}, True),
        ("note", "not_answered", "", {"note": "x"}, False),
        ("count", "gt", "3", {}, False),
    ],
)
def test_operators(field_key, operator, value, answers, expected):
    assert shown_with(operator, value, answers, field_key=field_key) is expected


def test_and_within_a_group_or_between_groups():
    defn = definition(
        BASE_PAGES,
        [
            rule(
                "r",
                [(1, "kind", "equals", "a"), (1, "count", "gt", "2"), (2, "note", "equals", "x")],
                [{"kind": "show_field", "field": "extra"}],
            )
        ],
    )

    def shown(answers):
        return "extra" not in state_for(defn, answers).hidden_fields

    assert shown({"kind": "a", "count": "3"})  # group 1: both hold
    assert not shown({"kind": "a", "count": "1"})  # group 1: only one holds
    assert shown({"kind": "b", "note": "x"})  # group 2 holds
    assert not shown({"kind": "b", "note": "y"})


def test_show_and_hide_field():
    defn = definition(
        BASE_PAGES,
        [
            rule("show", [("kind", "equals", "a")], [{"kind": "show_field", "field": "extra"}]),
            rule("hide", [("kind", "equals", "c")], [{"kind": "hide_field", "field": "note"}]),
        ],
    )
    assert "extra" in state_for(defn, {}).hidden_fields  # shown only when the rule holds
    assert "extra" not in state_for(defn, {"kind": "a"}).hidden_fields
    assert "note" not in state_for(defn, {"kind": "a"}).hidden_fields
    assert "note" in state_for(defn, {"kind": "c"}).hidden_fields


def test_show_and_hide_page():
    defn = definition(
        BASE_PAGES,
        [
            rule("show two", [("kind", "equals", "a")], [{"kind": "show_page", "page": "two"}]),
            rule(
                "hide three", [("kind", "equals", "c")], [{"kind": "hide_page", "page": "three"}]
            ),
        ],
    )
    assert state_for(defn, {"kind": "b"}).route == ["one", "three"]
    assert state_for(defn, {"kind": "a"}).route == ["one", "two", "three"]
    state = state_for(defn, {"kind": "c"})
    assert state.route == ["one"]
    assert {"detail", "last"} <= state.hidden_fields


def test_skip_to_page():
    defn = definition(
        BASE_PAGES,
        [rule("skip", [("kind", "equals", "b")], [{"kind": "skip_to", "page": "three"}])],
    )
    assert state_for(defn, {"kind": "b"}).route == ["one", "three"]
    assert state_for(defn, {"kind": "a"}).route == ["one", "two", "three"]


def test_exit_page():
    defn = definition(
        BASE_PAGES,
        [
            rule(
                "not here",
                [("kind", "equals", "c")],
                [{"kind": "exit", "message": "You cannot apply online because you live abroad."}],
            )
        ],
    )
    state = state_for(defn, {"kind": "c"})
    assert state.route == ["one"]
    assert state.exit_after == "one"
    assert state.exit_message == "You cannot apply online because you live abroad."
    assert state_for(defn, {"kind": "a"}).exit_after == ""


def test_required_if():
    defn = definition(
        BASE_PAGES,
        [rule("need note", [("kind", "equals", "b")], [{"kind": "require", "field": "note"}])],
    )
    note = defn.fields["note"]
    assert not state_for(defn, {"kind": "a"}).field_required(note)
    assert state_for(defn, {"kind": "b"}).field_required(note)


def test_set_and_calculate_values():
    defn = definition(
        [
            page(
                "one",
                field("bins", "number"),
                field("items", "repeating", children=[field("item")]),
                field("cost", "hidden"),
                field("per_item", "hidden"),
                field("label", "hidden"),
            )
        ],
        [
            rule(
                "cost",
                [("bins", "answered", "")],
                [
                    {"kind": "set_value", "field": "cost", "value": "{bins} * 45"},
                    {"kind": "set_value", "field": "label", "value": "Bins: {bins}"},
                ],
            ),
            rule(
                "items",
                [],
                [{"kind": "set_value", "field": "per_item", "value": "{items} * 15 + 0.5"}],
            ),
        ],
    )
    state = state_for(defn, {"bins": "3", "items": [{"item": "a"}, {"item": "b"}]})
    assert state.values == {"cost": "135", "label": "Bins: 3", "per_item": "30.5"}
    assert calculate("{a} / {b}", {"a": "1", "b": "0"}) is None  # never raises
    assert calculate("__import__('os')", {}) == "__import__('os')"  # text, never run


def test_set_process_and_service_area_and_block():
    defn = definition(
        BASE_PAGES,
        [
            rule(
                "route",
                [("kind", "equals", "b")],
                [
                    {"kind": "set_process", "value": "fly-tipping"},
                    {"kind": "set_service_area", "value": "environmental-health"},
                ],
            ),
            rule(
                "stop",
                [("count", "gt", "10")],
                [{"kind": "block", "message": "We can only take 10 at a time."}],
            ),
        ],
    )
    state = state_for(defn, {"kind": "b", "count": "11"})
    assert state.routing == {"process_code": "fly-tipping", "service_area": "environmental-health"}
    assert state.blocks == ["We can only take 10 at a time."]
    assert state_for(defn, {"kind": "a"}).routing == {}


def test_a_hidden_required_field_never_blocks_and_hidden_answers_are_dropped():
    defn = definition(
        BASE_PAGES,
        [
            rule(
                "show extra", [("kind", "equals", "a")], [{"kind": "show_field", "field": "extra"}]
            ),
            rule("skip", [("kind", "equals", "b")], [{"kind": "skip_to", "page": "three"}]),
        ],
    )
    answers = {
        "kind": "b",
        "extra": "typed before changing",
        "detail": "on a skipped page",
        "last": "end",
    }
    state = state_for(defn, answers)
    assert missing_required(defn, answers, state) == []  # extra and detail are required but hidden
    kept = visible_answers(defn, answers, state)
    assert kept == {"kind": "b", "last": "end"}


def test_a_condition_on_a_hidden_answer_counts_as_not_answered():
    defn = definition(
        BASE_PAGES,
        [
            rule(
                "hide note", [("kind", "equals", "c")], [{"kind": "hide_field", "field": "note"}]
            ),
            rule(
                "note says go", [("note", "equals", "go")], [{"kind": "show_page", "page": "two"}]
            ),
        ],
    )
    assert "two" in state_for(defn, {"kind": "a", "note": "go"}).route
    assert "two" not in state_for(defn, {"kind": "c", "note": "go"}).route


def test_a_rule_without_conditions_always_applies():
    defn = definition(BASE_PAGES, [rule("always", [], [{"kind": "hide_page", "page": "two"}])])
    assert state_for(defn, {}).route == ["one", "three"]
