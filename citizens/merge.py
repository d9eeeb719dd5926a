"""What merging two citizen records does to every row that points at a citizen.

Every relation to `Citizen` in the project (found with `_meta.get_fields()`) is listed in
`MERGE_RELATIONS` with what a merge does to it:

- `MOVE`: the merged record's rows are repointed at the survivor (and back on an unmerge);
- `KEEP`: they stay on the merged record, which is kept as a pointer (the audit trail records
  what was actually viewed; the merge's own records describe both people);
- `HANDLER`: the app that owns the rows moves them itself, with a handler it registers from its
  `AppConfig.ready()` (`register_merge_handler`); citizens never imports that app.

A relation that is not listed, or a `HANDLER` relation whose app registered no handler, makes
the merge refuse with a plain message rather than guess (`MergeRefused`).
`tests/citizens/test_merge_relations.py` fails when a model gains a relation that is not listed.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.apps import apps

MOVE = "move"
KEEP = "keep"
HANDLER = "handler"

MERGE_RELATIONS: dict[str, str] = {
    # citizens: the register itself.
    "citizens.Address.citizen": MOVE,  # addresses the survivor already holds stay (see merge)
    "citizens.EmailAddress.citizen": MOVE,
    "citizens.PhoneNumber.citizen": MOVE,
    "citizens.AssistanceFlag.citizen": MOVE,
    "citizens.Note.citizen": MOVE,
    "citizens.CitizenChange.citizen": MOVE,
    "citizens.Citizen.merged_into": KEEP,  # pointers to the merged record: repointed by merge
    "citizens.MergeRecord.survivor": KEEP,
    "citizens.MergeRecord.merged": KEEP,
    "citizens.NotDuplicate.citizen_a": KEEP,  # the merged record's decisions: dropped by merge
    "citizens.NotDuplicate.citizen_b": KEEP,
    "citizens.DuplicatePair.citizen_a": KEEP,  # its pairs: closed or dropped by merge
    "citizens.DuplicatePair.citizen_b": KEEP,
    # The apps above citizens.
    "audit.AuditEvent.citizen": KEEP,  # what was viewed then, about whom
    "audit.SubjectAccessRequest.citizen": MOVE,
    "verification.ServiceAccount.citizen": MOVE,
    "verification.VerificationAttempt.citizen": MOVE,
    "contacts.Contact.citizen": MOVE,
    "requests_tracking.Request.citizen": MOVE,
    "requests_tracking.Request.followers": MOVE,  # M2M: a request both followed is kept once
    "forms_engine.Submission.citizen": MOVE,
    "faq.ArticleSend.citizen": MOVE,
    "integration.ImportRow.citizen": MOVE,  # the row's person now lives on the survivor
    "notifications.Message.citizen": MOVE,
    "timeline.Entry.citizen": HANDLER,  # the timeline moves its own entries
}


class MergeRefused(ValueError):
    """A merge that would leave rows behind or guess what to do with them."""


@dataclass(frozen=True)
class MergeHandler:
    """How the owning app moves its rows: `move(survivor=, merged=) -> ids moved` and
    `move_back(survivor=, merged=, ids=) -> count` for an unmerge."""

    move: Callable[..., list]
    move_back: Callable[..., int]


_HANDLERS: dict[str, MergeHandler] = {}


def register_merge_handler(label: str, *, move, move_back) -> None:
    """Register the owning app's handler for a relation listed as `HANDLER`."""
    if MERGE_RELATIONS.get(label) != HANDLER:
        raise ValueError(f"{label} is not listed as moved by its app's handler in MERGE_RELATIONS")
    _HANDLERS[label] = MergeHandler(move=move, move_back=move_back)


def handler_for(label: str) -> MergeHandler:
    return _HANDLERS[label]


def relations_to_citizen() -> Iterator[tuple[str, type, object]]:
    """(label, model, field) of every FK / one-to-one / M2M in any installed app to Citizen."""
    citizen = apps.get_model("citizens", "Citizen")
    for model in apps.get_models():
        for f in model._meta.get_fields():
            if not f.is_relation or f.auto_created or f.related_model is not citizen:
                continue
            yield f"{model._meta.label}.{f.name}", model, f


def merge_plan() -> list[tuple[str, str, type, object]]:
    """(label, rule, model, field) for every relation, or MergeRefused naming what is unknown."""
    plan, unknown, unhandled = [], [], []
    for label, model, f in relations_to_citizen():
        rule = MERGE_RELATIONS.get(label)
        if rule is None:
            unknown.append(label)
        elif rule == HANDLER and label not in _HANDLERS:
            unhandled.append(label)
        plan.append((label, rule, model, f))
    if unknown:
        raise MergeRefused(
            "These records cannot be merged: nobody has said what a merge does with "
            f"{', '.join(sorted(unknown))}. Add it to citizens.merge.MERGE_RELATIONS."
        )
    if unhandled:
        raise MergeRefused(
            "These records cannot be merged: the app that owns "
            f"{', '.join(sorted(unhandled))} has not registered how to move them."
        )
    return plan
