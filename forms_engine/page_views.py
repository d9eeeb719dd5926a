"""The filling pages shared by residents (public), staff and partners: a question page, check
your answers, the exit page and the confirmation. A `Flow` says where each page lives and who
is filling in; everything else is the same for all of them."""

from dataclasses import dataclass, field

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render

from forms_engine import services
from forms_engine.already_reported import offer_after_page
from forms_engine.filling import (
    CHECK,
    EXIT,
    answer_rows,
    may_open,
    page_read,
    previous_before,
    route_position,
)
from forms_engine.logic import evaluate
from forms_engine.models import SubmissionFile


class Flow:
    """Where the pages of one filling live; subclassed for public and staff filling."""

    base_template = "base.html"
    via = "staff"
    can_save_later = False
    # Residents are asked "has it been reported already?" after giving a place (public flow).
    offers_already_reported = False

    def __init__(self, request, *, form, definition, submission=None):
        self.request = request
        self.form = form
        self.definition = definition
        self.submission = submission

    @property
    def actor(self):
        user = self.request.user
        return user if user.is_authenticated else None

    def page_url(self, key):  # pragma: no cover - subclasses
        raise NotImplementedError

    def check_url(self):  # pragma: no cover
        raise NotImplementedError

    def exit_url(self):  # pragma: no cover
        raise NotImplementedError

    def done_url(self):  # pragma: no cover
        raise NotImplementedError

    def start_url(self):  # pragma: no cover
        raise NotImplementedError

    def save_later_url(self):
        return ""

    def ensure_submission(self):
        return self.submission

    def position_url(self, key):
        if key == CHECK:
            return self.check_url()
        if key == EXIT:
            return self.exit_url()
        return self.page_url(key)

    def after_save_later(self):
        return redirect(self.save_later_url())

    def context(self):
        return {
            "base_template": self.base_template,
            "flow": self,
            "form_name": self.definition.name,
            "submission": self.submission,
        }


@dataclass
class FieldView:
    fd: object
    name: str
    raw: object
    errors: dict
    reveal: str = ""  # "Only if …" for fields that a same-page answer shows
    reveal_field: str = ""
    reveal_value: str = ""
    items: list = field(default_factory=list)  # repeating: [[FieldView, …], …]
    files: list = field(default_factory=list)  # file: SubmissionFile rows kept

    @property
    def template(self):
        return f"forms_engine/fields/{self.fd.type.template}.html"

    @property
    def error(self):
        for key, message in self.errors.items():
            if key == self.name or key.startswith(self.name + "-"):
                if self.fd.kind == "repeating" and key.count("-") >= 2:
                    continue  # shown next to the item's own input
                return message
        return ""

    def part_error(self, part):
        return self.errors.get(f"{self.name}-{part}", "")

    @property
    def file_hint(self):
        kind = self.fd.type
        most = self.fd.max_items or 10
        return (
            f"{kind.allowed_label(self.fd)}, up to {kind.max_mb(self.fd)} MB each. "
            f"You can add up to {most} file{'s' if most != 1 else ''}."
        )

    @property
    def can_add(self):
        return not self.fd.max_items or len(self.items) < self.fd.max_items


def _condition_words(definition, rule):
    group = rule.groups[0] if rule.groups else []
    words = []
    for c in group:
        source = definition.fields.get(c.field)
        if source is None:
            continue
        value = source.option_label(c.value) if source.options else c.value
        verb = {"equals": "is", "not_equals": "is not", "contains": "includes"}.get(
            c.operator, c.operator.replace("_", " ")
        )
        words.append(f"“{source.label}” {verb} {value}".strip())
    return " and ".join(words)


def _same_page_reveals(definition, page):
    """Fields shown by a rule whose conditions are all on this page: rendered always (so the
    page works without JavaScript), marked "only if …", and hidden by script for comfort."""
    keys = {fd.key for fd in page.fields}
    reveals = {}
    for rule in definition.rules:
        if not rule.groups:
            continue
        conditions = [c for g in rule.groups for c in g]
        if not all(c.field in keys for c in conditions):
            continue
        for action in rule.actions:
            if action.kind == "show_field" and action.field in keys:
                simple = (
                    len(rule.groups) == 1
                    and len(conditions) == 1
                    and conditions[0].operator == "equals"
                )
                reveals[action.field] = (
                    _condition_words(definition, rule),
                    conditions[0].field if simple else "",
                    conditions[0].value if simple else "",
                )
    return reveals


def field_views(definition, page, raw, errors, state, *, files_by_id=None):
    reveals = _same_page_reveals(definition, page)
    views = []
    for fd in page.fields:
        if fd.kind == "hidden":
            continue
        if not state.field_shown(fd) and fd.key not in reveals:
            continue
        words, when_field, when_value = reveals.get(fd.key, ("", "", ""))
        view = FieldView(
            fd=fd,
            name=fd.key,
            raw=raw.get(fd.key),
            errors=errors,
            reveal=words,
            reveal_field=when_field,
            reveal_value=when_value,
        )
        if fd.kind == "repeating":
            items = raw.get(fd.key) or [{}]
            view.items = [
                [
                    FieldView(
                        fd=child,
                        name=f"{fd.key}-{index}-{child.key}",
                        raw=item.get(child.key, child.type.to_raw(child, None)),
                        errors=errors,
                    )
                    for child in fd.children
                    if child.kind != "hidden"
                ]
                for index, item in enumerate(items)
            ]
        if fd.kind == "file":
            kept = (raw.get(fd.key) or {}).get("existing", [])
            view.files = [files_by_id[i] for i in kept if files_by_id and i in files_by_id]
        views.append(view)
    return views


def error_summary(views, errors):
    """[(input id, message)] in the order of the inputs on the page."""
    anchors = []
    for view in views:
        names = [view.name] + [fv.name for item in view.items for fv in item]
        for key, message in errors.items():
            if any(key == n or key.startswith(n + "-") for n in names):
                target = key
                kind = view.fd.kind
                child = next((fv for item in view.items for fv in item if fv.name == key), None)
                if (child and child.fd.kind == "date") or (kind == "date" and key == view.name):
                    target = f"{key}-day"
                elif kind == "name" and key == view.name:
                    target = f"{key}-first"
                elif kind == "address" and key == view.name:
                    target = f"{key}-line_1"
                if (target, message) not in anchors:
                    anchors.append((target, message))
    return anchors


def _files_by_id(submission):
    if submission is None:
        return {}
    return {row.pk: row for row in SubmissionFile.objects.filter(submission=submission)}


def _apply_list_action(definition, page, raw, action):
    """'Add another' and 'Remove' in a repeating group: change the items, nothing else."""
    kind, _, rest = action.partition(":")
    if kind == "add":
        fd = definition.fields.get(rest)
        if fd and fd.kind == "repeating" and fd.page_key == page.key:
            items = raw.get(fd.key) or []
            if not fd.max_items or len(items) < fd.max_items:
                items.append({c.key: c.type.to_raw(c, None) for c in fd.children})
            raw[fd.key] = items
            return f"{fd.key}-{len(items) - 1}"
    elif kind == "remove":
        key, _, index = rest.rpartition("-")
        fd = definition.fields.get(key)
        if fd and fd.kind == "repeating" and index.isdigit():
            items = raw.get(fd.key) or []
            if int(index) < len(items):
                items.pop(int(index))
            raw[fd.key] = items or [{c.key: c.type.to_raw(c, None) for c in fd.children}]
            return fd.key
    return ""


def render_page(request, flow, page, raw, errors, state, *, status=200, focus=""):
    files_by_id = _files_by_id(flow.submission)
    views = field_views(flow.definition, page, raw, errors, state, files_by_id=files_by_id)
    back = previous_before(state, page.key)
    context = {
        **flow.context(),
        "page": page,
        "fields": views,
        "errors": error_summary(views, errors),
        "back_url": flow.page_url(back) if back else flow.start_url(),
        "has_files": any(v.fd.kind == "file" for v in views),
        "has_address": any(v.fd.kind == "address" for v in views),
        "is_change": request.GET.get("change") == "1",
        "focus": focus,
        "page_number": state.route.index(page.key) + 1 if page.key in state.route else None,
        "page_total": len(state.route),
    }
    return render(request, "forms_engine/fill/page.html", context, status=status)


def page_view(request, flow, page_key):
    definition = flow.definition
    page = definition.page(page_key)
    if page is None:
        raise Http404
    submission = flow.submission
    answers = submission.answers if submission else {}
    pages_done = submission.pages_done if submission else []
    state = evaluate(definition, answers)
    if not may_open(state, pages_done, page_key):
        # A page not on this person's route (hidden, skipped, or not reached yet) is never
        # shown and nothing posted to it is kept.
        return redirect(flow.position_url(route_position(state, pages_done, page_key)))
    if request.method != "POST":
        raw = {
            fd.key: fd.type.to_raw(fd, answers.get(fd.key)) for fd in page.fields if fd.has_answer
        }
        return render_page(request, flow, page, raw, {}, state)

    result = page_read(definition, page, request.POST, request.FILES, answers)
    if result.action:
        focus = _apply_list_action(definition, page, result.raw, result.action)
        return render_page(request, flow, page, result.raw, {}, result.state, focus=focus)
    save_later = bool(request.POST.get("_save_later")) and flow.can_save_later
    if result.errors:
        if result.cleaned and (submission is not None or save_later):
            submission = flow.ensure_submission()
            flow.submission = services.submission_save_page(
                actor=flow.actor,
                submission=submission,
                page=page,
                result=result,
                complete=False,
                stay=save_later,
            )
        if save_later:
            return flow.after_save_later()
        for fd in page.fields:  # files already stored are listed again, new ones kept
            if fd.kind == "file" and flow.submission is not None:
                stored = flow.submission.answers.get(fd.key) or []
                result.raw[fd.key] = {"existing": stored, "new": []}
        return render_page(request, flow, page, result.raw, result.errors, result.state)
    submission = flow.ensure_submission()
    try:
        submission = services.submission_save_page(
            actor=flow.actor, submission=submission, page=page, result=result, stay=save_later
        )
    except services.SubmissionRefused:
        return redirect(flow.done_url())
    flow.submission = submission
    if save_later:
        return flow.after_save_later()
    target = submission.current_page
    if request.GET.get("change") == "1" and target not in (EXIT,):
        state = evaluate(definition, submission.answers)
        target = route_position(state, submission.pages_done, CHECK)
    next_url = flow.position_url(target)
    if target != EXIT:
        offer = offer_after_page(request, flow, page, submission, next_url)
        if offer is not None:
            return offer
    return redirect(next_url)


def check_view(request, flow):
    definition = flow.definition
    submission = flow.submission
    if submission is None:
        return redirect(flow.start_url())
    if not submission.is_draft:
        return redirect(flow.done_url())
    state = evaluate(definition, submission.answers)
    position = route_position(state, submission.pages_done, CHECK)
    if position != CHECK:
        return redirect(flow.position_url(position))
    problems = []
    if request.method == "POST":
        try:
            submission = services.submission_submit(actor=flow.actor, submission=submission)
        except services.SubmissionRefused as exc:
            if exc.page:
                messages.error(request, " ".join(exc.problems))
                return redirect(flow.position_url(exc.page))
            problems = exc.problems
        else:
            flow.submission = submission
            return redirect(flow.done_url())
    files = {
        row.pk: row.original_name for row in SubmissionFile.objects.filter(submission=submission)
    }
    rows = answer_rows(definition, submission.answers, state, file_names=files)
    context = {
        **flow.context(),
        "rows": rows,
        "change_urls": {
            page.key: flow.page_url(page.key) + "?change=1" for page in definition.pages
        },
        "problems": problems or state.blocks,
        "back_url": flow.page_url(state.route[-1]) if state.route else flow.start_url(),
    }
    return render(
        request, "forms_engine/fill/check.html", context, status=422 if problems else 200
    )


def exit_view(request, flow):
    submission = flow.submission
    if submission is None:
        return redirect(flow.start_url())
    state = evaluate(flow.definition, submission.answers)
    position = route_position(state, submission.pages_done, EXIT)
    if position != EXIT:
        return redirect(flow.position_url(position))
    context = {
        **flow.context(),
        "message": state.exit_message,
        "back_url": flow.page_url(state.exit_after),
    }
    return render(request, "forms_engine/fill/exit.html", context)


def done_view(request, flow, *, extra=None):
    submission = flow.submission
    if submission is None or submission.is_draft:
        return redirect(flow.start_url())
    tracking = ""
    if submission.request_id:
        from requests_tracking.public_links import tracking_url

        tracking = tracking_url(submission.request)
    context = {
        **flow.context(),
        "tracking_url": tracking,
        "confirmation_text": flow.definition.confirmation_text,
        **(extra or {}),
    }
    return render(request, "forms_engine/fill/done.html", context)
