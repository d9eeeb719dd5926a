"""Subject access export: everything held about a citizen, one declared exporter per app.

An app contributes its part by registering an `Exporter` (in `<app>/subject_access.py`, found
by `autodiscover()`, or among the built-ins in `audit.subject_access.exporters`). Each exporter
names the models it covers; `tests/audit/test_subject_access.py` fails when any model with a
link to `citizens.Citizen` is covered by none, so a new app cannot be forgotten silently.
"""
