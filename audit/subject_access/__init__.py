"""Subject access export: everything held about a citizen, one declared exporter per app.

Each app contributes its own part by registering an `Exporter` in `<app>/subject_access.py`
(imported by `registry.autodiscover()`, which AuditConfig.ready() runs), so audit imports no
other app. Each exporter names the models it covers; `tests/audit/test_subject_access.py` fails
when any model with a link to `citizens.Citizen` is covered by none, so a new app cannot be
forgotten silently. The audit trail's own part is `audit_exporter`.
"""

from audit.subject_access import audit_exporter  # noqa: F401  (registers the audit part)
