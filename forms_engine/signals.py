"""Domain signals of forms_engine, sent inside the service's transaction with
`sender=Submission`, `instance=<Submission>` and `actor=<Staff or None>` (None: the resident)."""

from django.dispatch import Signal

# A page of a draft was saved: page (the key of the page saved), page_title, next_page.
form_draft_saved = Signal()
# A form was submitted: request (the Request it started, or None).
form_submitted = Signal()
# A public submission was linked to a citizen by a member of staff: citizen.
form_submission_linked = Signal()
