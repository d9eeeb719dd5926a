"""Every URL of the project, classified: which carry a citizen's personal data (and whose), and
why the others do not. A new URL pattern is in neither list and fails the walks until someone
classifies it here.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Personal:
    """A page or answer about one citizen: its URL arguments, that citizen and the object."""

    kwargs: Callable
    citizen: Callable
    obj: Callable
    query: Callable | None = None
    status: int = 200


def _c(w):
    return w.citizen


PERSONAL = {
    # citizens
    "citizens:detail": Personal(lambda w: {"pk": w.citizen.pk}, _c, _c),
    "citizens:edit": Personal(lambda w: {"pk": w.citizen.pk}, _c, _c),
    "citizens:history": Personal(lambda w: {"pk": w.citizen.pk}, _c, _c),
    "citizens:flag_add": Personal(lambda w: {"pk": w.citizen.pk}, _c, _c),
    "citizens:note_add": Personal(lambda w: {"pk": w.citizen.pk}, _c, _c),
    "citizens:note_correct": Personal(
        lambda w: {"pk": w.citizen.pk, "note_pk": w.note.pk}, _c, lambda w: w.note
    ),
    "citizens:duplicates": Personal(lambda w: {"pk": w.citizen.pk}, _c, _c),
    "citizens:merge": Personal(lambda w: {"pk": w.citizen.pk, "other_pk": w.other.pk}, _c, _c),
    "citizens:unmerge": Personal(
        lambda w: {"merge_pk": w.merge.pk}, lambda w: w.merge.survivor, lambda w: w.merge
    ),
    "verification:verify": Personal(
        lambda w: {"pk": w.citizen.pk, "account_pk": w.account.pk}, _c, lambda w: w.account
    ),
    "timeline:citizen_feed": Personal(lambda w: {"pk": w.citizen.pk}, _c, _c),
    "faq:citizen_content": Personal(lambda w: {"citizen_id": w.citizen.pk}, _c, _c),
    # contacts
    "contacts:detail": Personal(
        lambda w: {"pk": w.contact.pk}, lambda w: w.contact.citizen, lambda w: w.contact
    ),
    "contacts:citizen_history": Personal(lambda w: {"citizen_id": w.citizen.pk}, _c, _c),
    # requests
    "requests_tracking:detail": Personal(
        lambda w: {"pk": w.request.pk}, lambda w: w.request.citizen, lambda w: w.request
    ),
    "requests_tracking:evidence_download": Personal(
        lambda w: {"pk": w.request.pk, "evidence_pk": w.evidence.pk},
        lambda w: w.request.citizen,
        lambda w: w.evidence,
    ),
    # online forms
    "forms_engine:submission": Personal(
        lambda w: {"pk": w.submission.pk}, lambda w: w.submission.citizen, lambda w: w.submission
    ),
    "forms_engine:file_download": Personal(
        lambda w: {"pk": w.submission.pk, "file_pk": w.submission_file.pk},
        lambda w: w.submission.citizen,
        lambda w: w.submission_file,
    ),
    "forms_engine:fill_page": Personal(
        lambda w: {"pk": w.draft.pk, "page_key": w.draft.current_page},
        _c,
        lambda w: w.draft,
    ),
    # An unfinished draft's check page sends staff on to the first page still to answer.
    "forms_engine:fill_check": Personal(
        lambda w: {"pk": w.draft.pk}, _c, lambda w: w.draft, status=302
    ),
    "forms_engine:fill_done": Personal(
        lambda w: {"pk": w.submission.pk}, lambda w: w.submission.citizen, lambda w: w.submission
    ),
    # subject access
    "audit:sar_detail": Personal(lambda w: {"pk": w.sar.pk}, _c, lambda w: w.sar),
    # API reads
    "api:citizen": Personal(lambda w: {"pk": w.citizen.pk}, _c, _c),
    "api:citizen-duplicates": Personal(lambda w: {"pk": w.citizen.pk}, _c, _c),
    "api:citizen-notes": Personal(lambda w: {"pk": w.citizen.pk}, _c, lambda w: w.sensitive_note),
    "api:citizen-timeline": Personal(lambda w: {"pk": w.citizen.pk}, _c, _c),
    "api:citizen-forms": Personal(lambda w: {"pk": w.citizen.pk}, _c, _c),
    "api:request": Personal(
        lambda w: {"pk": w.request.pk}, lambda w: w.request.citizen, lambda w: w.request
    ),
    "api:submission": Personal(
        lambda w: {"pk": w.submission.pk}, lambda w: w.submission.citizen, lambda w: w.submission
    ),
    "api:contacts": Personal(
        lambda w: {},
        lambda w: w.contact.citizen,
        lambda w: w.contact,
        query=lambda w: {"citizen": w.contact.citizen_id},
    ),
}

# A button's POST: the service it calls writes the change and its audit row. A GET is refused
# (405), which the walks check.
POST_ONLY = {
    "citizens:confirm_details",
    "citizens:flag_end",
    "citizens:not_duplicate",
    "citizens:review_start",
    "requests_tracking:note",
    "requests_tracking:evidence_upload",
    "requests_tracking:mark_duplicate",
    "requests_tracking:undo_duplicate",
    "requests_tracking:action",
    "forms_engine:link_citizen",
    "audit:sar_export",
    "audit:sar_close",
    "faq:send",
    "integration:import_undo",
    "api:request-advance",
    "api:request-hold",
    "api:request-resolve",
    "api:request-reopen",
    "api:request-cancel",
    "api:request-notes",
    "api:service-account",
}

NOT_PERSONAL = {
    "core:health": "a database ping",
    "home:home": "lists the member of staff's own work; each record opened is audited",
    "accounts:login": "sign-in form",
    "accounts:logout": "sign-out",
    "accounts:password_change": "the member of staff's own password",
    "audit:list": "the audit trail itself (staff reading who did what, not citizens' records)",
    "audit:sar_list": "a list of requests received; opening one is audited",
    "audit:sar_create": "a form to log a request",
    "citizens:search": "a search: audited as a search (words and number of results)",
    "citizens:advanced": "a search: audited as a search",
    "citizens:create": "a form for a new person",
    "citizens:review_duplicates": "a queue of pairs; opening a pair (merge) is audited",
    "contacts:history": "a list filtered by day; opening a contact is audited",
    "contacts:start": "a form to start a contact",
    "contacts:end": "a form ending the member of staff's own open contact",
    "contacts:attach": "a form attaching a caller to the open contact",
    "contacts:contact_type_options": "reference data",
    "contacts:review": "the member of staff's own contacts to complete",
    "contacts:incoming": "telephony screen pop: a search, audited as a search",
    "contacts:<unnamed>": "telephony screen pop (the same view with a trailing slash)",
    "contacts:reports": "counts, no person",
    "places:address_search": "the gazetteer: addresses, not people",
    "places_public:address_search": "the gazetteer: addresses, not people",
    "requests_tracking:list": "a work list; opening a request is audited",
    "requests_tracking:create": "a form for a new request",
    "requests_tracking:candidates": "published reports near a place (no personal data)",
    "already_reported:page": "published reports near a place (no personal data)",
    "reports:index": "redirects to the first report",
    "reports:report": "figures counted over many people (no one citizen's data; CSV exports "
    "are audited as exports)",
    "already_reported:follow": "a resident's own sign-up",
    "open311:root": "public Open311: only what `publishing` allows",
    "open311:discovery": "public Open311: only what `publishing` allows",
    "open311:services": "public Open311: only what `publishing` allows",
    "open311:service": "public Open311: only what `publishing` allows",
    "open311:requests": "public Open311: only what `publishing` allows",
    "open311:request": "public Open311: only what `publishing` allows",
    "open311:token": "public Open311: a reporting app's own token",
    "public:follower_confirm": "the citizen's own link (not a member of staff)",
    "public:follower_stop": "the citizen's own link (not a member of staff)",
    "public:follower_view": "a follower's view: published fields only (no personal data)",
    "public:track": "the citizen's own tracking page by its secret link (not a member of staff)",
    "public:track_reply": "the citizen's own tracking page",
    "public:track_follow": "the citizen's own tracking page",
    "forms_public:resume_link": "the resident's own draft by its secret link",
    "forms_public:start": "a public form",
    "forms_public:check": "the resident's own answers in their session",
    "forms_public:done": "the resident's own confirmation",
    "forms_public:exit": "a public page",
    "forms_public:save": "the resident's own draft",
    "forms_public:saved": "the resident's own draft",
    "forms_public:resume_code": "the resident's own draft",
    "forms_public:page": "the resident's own answers in their session",
    "forms_public:reported": "published reports near the resident's place (no personal data)",
    "forms_engine:index": "list of portals",
    "forms_engine:forms": "list of forms",
    "forms_engine:form_submissions": "a list; opening a submission is audited",
    "forms_engine:unlinked": "a list of submissions to link; opening one is audited",
    "forms_engine:start_from_record": "a choice of forms",
    "forms_engine:start": "starts a draft (the draft's pages are audited)",
    "forms_engine:fill_exit": "a page saying the form cannot continue",
    "forms_engine:portal": "a portal's forms",
    "faq:list": "knowledge base",
    "faq:detail": "knowledge base",
    "faq:suggestions": "knowledge base",
    "faq:contact_knowledge": "knowledge base",
    "faq:insights": "search counts",
    "help:list": "public help pages",
    "help:detail": "public help pages",
    "integration:import_list": "a list of files imported",
    "integration:import_detail": "a file's import report (many people): audited as the run",
    "integration:import_rejected": "a file's rejected rows as CSV: audited as an export",
    "api:schema": "the OpenAPI document",
    "api:docs": "the API documentation",
    "api:citizens": "a search: audited as a search",
    "api:service-areas": "reference data",
    "api:contact-types": "reference data",
    "api:outcomes": "reference data",
    "api:locations": "reference data",
    "api:channels": "reference data",
    "api:processes": "reference data",
    "api:requests": "a work list (filters); opening a request is audited",
    "api:forms": "list of forms",
    "api:articles": "knowledge base",
    "api:article": "knowledge base",
    "api:changes": "the change feed for client systems: ids and references, no personal fields",
}
