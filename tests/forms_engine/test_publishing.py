"""Publishing: the checks that refuse a broken form, versions that never change under a draft,
what changed between versions, and rollback."""

import pytest

from forms_engine import services
from forms_engine.checks import form_problems
from forms_engine.definition import snapshot_build
from forms_engine.models import FormField, FormVersion, RuleCondition, Submission
from forms_engine.versions import versions_diff
from tests.factories.forms_engine import field, page, published_form, rule

pytestmark = pytest.mark.django_db


def problems(pages, rules=()):
    return form_problems({"form": {"name": "T"}, "pages": pages, "rules": list(rules)})


TWO_PAGES = [
    page("one", field("colour", "radios", options="red\nblue"), field("size", "number")),
    page("two", field("detail", "text")),
    page("three", field("last", "text")),
]


def test_a_sound_form_passes():
    assert (
        problems(
            TWO_PAGES,
            [rule("r", [("colour", "equals", "red")], [{"kind": "show_page", "page": "two"}])],
        )
        == []
    )


def test_refuses_a_condition_on_a_field_that_no_longer_exists():
    found = problems(
        TWO_PAGES,
        [rule("Old rule", [("gone", "equals", "x")], [{"kind": "hide_page", "page": "two"}])],
    )
    assert found == ["Rule “Old rule” has a condition on “gone”, a field that no longer exists."]


def test_refuses_a_condition_on_a_later_field():
    found = problems(
        TWO_PAGES,
        [rule("Backwards", [("last", "equals", "x")], [{"kind": "show_field", "field": "size"}])],
    )
    assert found == [
        "Rule “Backwards”: “Size” depends on “Last”, which comes later in the form. "
        "Move the question or the rule."
    ]
    found = problems(
        TWO_PAGES,
        [rule("Same page", [("detail", "equals", "x")], [{"kind": "hide_page", "page": "two"}])],
    )
    assert "depends on “Detail”, which is not on an earlier page" in found[0]


def test_refuses_a_page_unreachable_from_the_start():
    found = problems(
        TWO_PAGES,
        [
            rule("Always skip", [], [{"kind": "skip_to", "page": "three"}]),
        ],
    )
    assert any("Page “Two” cannot be reached from the start" in p for p in found)


def test_refuses_a_skip_that_loops():
    found = problems(
        TWO_PAGES,
        [rule("Loop", [("detail", "equals", "x")], [{"kind": "skip_to", "page": "one"}])],
    )
    assert any("skips back to page “One” from a later page" in p for p in found)


def test_refuses_a_required_field_that_is_always_hidden():
    unconditional = problems(
        TWO_PAGES, [rule("Hide", [], [{"kind": "hide_field", "field": "detail"}])]
    )
    assert "“Detail” is required but always hidden" in unconditional[0]
    impossible = problems(
        TWO_PAGES,
        [
            rule(
                "Never",
                [("colour", "equals", "green")],
                [{"kind": "show_field", "field": "detail"}],
            )
        ],
    )
    assert any("“Detail” is required but always hidden" in p for p in impossible)
    contradictory = problems(
        TWO_PAGES,
        [
            rule(
                "Never",
                [(1, "colour", "equals", "red"), (1, "colour", "equals", "blue")],
                [{"kind": "show_page", "page": "two"}],
            )
        ],
    )
    assert any("Page “Two” is always hidden" in p for p in contradictory)


def test_refuses_duplicate_field_keys():
    found = problems(
        [page("one", field("name")), page("two", field("name"))],
    )
    assert found == [
        "Two fields use the key “name” (page “One” and page “Two”). Give each field its own key."
    ]


def test_refuses_other_broken_parts_in_plain_words():
    found = problems(
        [
            page("check", field("choice", "radios", options="only one")),
            page("empty"),
            page("g", field("group", "repeating")),
        ],
        [rule("Nothing", [("choice", "equals", "")], [])],
    )
    assert "A page cannot use the key “check”: the site uses it. Choose another." in found
    assert "“Choice” needs at least two options to choose from." in found
    assert "Page “Empty” has no questions or content." in found
    assert any("repeating group “Group” has no fields" in p for p in found)
    assert "Rule “Nothing” does nothing: add an action." in found
    assert "Rule “Nothing”: the condition on “choice” needs a value." in found


def test_publish_refuses_and_publishes_nothing(administrator):
    form = published_form(
        pages=TWO_PAGES,
        rules=[rule("Loop", [("detail", "equals", "x")], [{"kind": "skip_to", "page": "one"}])],
        publish=False,
    )
    with pytest.raises(services.PublishRefused) as exc:
        services.form_publish(actor=administrator, form=form)
    assert "go round in a loop" in exc.value.problems[0]
    assert FormVersion.objects.filter(form=form).count() == 0


def test_publish_refuses_an_unknown_process(administrator):
    form = published_form(pages=TWO_PAGES, process_code="no-such-process", publish=False)
    with pytest.raises(services.PublishRefused) as exc:
        services.form_publish(actor=administrator, form=form)
    assert "no process in use has that code" in exc.value.problems[0]


def _answer_page(submission, page_key, cleaned):
    from forms_engine.definition import definition_for
    from forms_engine.filling import PageResult
    from forms_engine.logic import evaluate

    definition = definition_for(submission.version)
    page_def = definition.page(page_key)
    result = PageResult(raw={}, cleaned=cleaned, errors={}, state=evaluate(definition, {}))
    return services.submission_save_page(
        actor=None, submission=submission, page=page_def, result=result
    )


def test_a_draft_started_on_version_1_finishes_on_version_1(administrator):
    form = published_form(
        pages=[
            page("one", field("colour", "radios", options="red\nblue")),
            page("two", field("detail")),
        ]
    )
    v1 = form.current_version
    draft = services.submission_start(actor=None, form=form, via=Submission.Via.PUBLIC)
    draft = _answer_page(draft, "one", {"colour": "red"})

    # Version 2 renames the question, adds a required page and drops an option.
    colour = FormField.objects.get(page__form=form, key="colour")
    colour.label = "Favourite colour"
    colour.options = "green\nblue"
    colour.save()
    new_page = form.pages.create(order=3, key="three", title="Three")
    new_page.fields.create(key="extra", kind="text", label="Extra", required=True)
    v2 = services.form_publish(actor=administrator, form=form)
    assert v2.number == 2
    assert form.versions.count() == 2

    draft.refresh_from_db()
    assert draft.version_id == v1.pk
    draft = _answer_page(draft, "two", {"detail": "something"})
    sent = services.submission_submit(actor=None, submission=draft)
    assert sent.status == Submission.Status.SUBMITTED
    assert sent.version_id == v1.pk
    assert sent.answers == {"colour": "red", "detail": "something"}  # v1's option and pages
    fresh = services.submission_start(actor=None, form=form, via=Submission.Via.PUBLIC)
    assert fresh.version_id == v2.pk
    assert v1.snapshot["pages"][0]["fields"][0]["label"] == "Colour"  # never changed


def test_rollback_publishes_the_old_content_as_a_new_version(administrator):
    form = published_form(pages=[page("one", field("colour", label="Colour"))])
    v1 = form.current_version
    FormField.objects.filter(page__form=form, key="colour").update(label="Shade")
    form.pages.create(order=2, key="two", title="Two").fields.create(
        key="x", kind="text", label="X"
    )
    v2 = services.form_publish(actor=administrator, form=form)
    assert versions_diff(v1.snapshot, v2.snapshot) == [
        "Page added: “Two”.",
        "Field added: “X” (x) on page two.",
        "Field “Shade”: label changed from “Colour” to “Shade”.",
    ]
    v3 = services.form_rollback(actor=administrator, form=form, version=v1)
    form.refresh_from_db()
    assert (v3.number, form.current_version_id) == (3, v3.pk)
    assert v3.snapshot["pages"] == v1.snapshot["pages"]
    assert snapshot_build(form)["pages"] == v1.snapshot["pages"]  # the working copy too
    assert "Rolled back to version 1" in v3.note


def test_admin_can_edit_a_condition_to_point_at_a_missing_field_and_publishing_says_so(
    administrator,
):
    form = published_form(
        pages=TWO_PAGES,
        rules=[rule("Red", [("colour", "equals", "red")], [{"kind": "show_page", "page": "two"}])],
    )
    RuleCondition.objects.filter(rule__form=form).update(field_key="color")
    with pytest.raises(services.PublishRefused) as exc:
        services.form_publish(actor=administrator, form=form)
    assert exc.value.problems == [
        "Rule “Red” has a condition on “color”, a field that no longer exists."
    ]
