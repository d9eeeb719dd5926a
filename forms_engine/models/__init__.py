"""Forms engine models: what administrators build (`definition`) and what people fill in
(`filling`). Published versions are frozen JSON snapshots; drafts and submissions point at one."""

from forms_engine.models.definition import (
    FieldKind,
    Form,
    FormField,
    FormPage,
    FormRule,
    FormVersion,
    Portal,
    RuleAction,
    RuleCondition,
)
from forms_engine.models.filling import ResumeToken, Submission, SubmissionFile

__all__ = [
    "FieldKind",
    "Form",
    "FormField",
    "FormPage",
    "FormRule",
    "FormVersion",
    "Portal",
    "ResumeToken",
    "RuleAction",
    "RuleCondition",
    "Submission",
    "SubmissionFile",
]
