"""Writes of forms_engine: publishing and rolling back versions, filling in (drafts, pages,
submission), resume links and codes, retention. Callers import from this package."""

from forms_engine.services.filling import (
    SubmissionRefused,
    submission_link_citizen,
    submission_save_page,
    submission_start,
    submission_submit,
)
from forms_engine.services.publishing import (
    PublishRefused,
    form_publish,
    form_rollback,
    working_copy_restore,
)
from forms_engine.services.resume import (
    ResumeRefused,
    resume_code_send,
    resume_code_use,
    resume_link_send,
    resume_link_use,
)
from forms_engine.services.retention import submissions_retention_sweep

__all__ = [
    "PublishRefused",
    "ResumeRefused",
    "SubmissionRefused",
    "form_publish",
    "form_rollback",
    "resume_code_send",
    "resume_code_use",
    "resume_link_send",
    "resume_link_use",
    "submission_link_citizen",
    "submission_save_page",
    "submission_start",
    "submission_submit",
    "submissions_retention_sweep",
    "working_copy_restore",
]
