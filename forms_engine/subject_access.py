"""The forms engine's part of a subject access export: every draft and submission held about
the citizen, its answers as entered, and the files uploaded with them."""

from django.core.files.storage import default_storage

from audit.subject_access.registry import Exporter, Section, record, register
from core.uploads import download_name


def export_forms(citizen) -> Section:
    from forms_engine.definition import definition_for
    from forms_engine.models import Submission, SubmissionFile

    submissions = (
        Submission.objects.filter(citizen=citizen)
        .select_related("form", "version", "request")
        .order_by("started_at")
    )
    section = Section(title="Online forms")
    rows = []
    for s in submissions:
        definition = definition_for(s.version)
        answers = {
            fd.label: fd.type.display(fd, s.answers[fd.key])
            for fd in definition.answer_fields()
            if s.answers.get(fd.key) not in (None, "", [], {})
        }
        rows.append(
            record(s, exclude={"answers", "pages_done", "routing"}, extra={"answers": answers})
        )
    section.tables["Forms (drafts and sent)"] = rows
    files = []
    for item in SubmissionFile.objects.filter(submission__citizen=citizen).order_by("pk"):
        name = download_name(original_name=item.original_name, stored_name=item.stored_name)
        path = f"forms/{item.submission_id}/{item.pk}-{name}"
        files.append(record(item, extra={"file_in_bundle": f"files/{path}"}))

        def read(name=item.file.name):
            with default_storage.open(name, "rb") as handle:
                return handle.read()

        section.files.append((path, read))
    section.tables["Files uploaded with forms"] = files
    return section


register(
    Exporter(
        app_label="forms_engine",
        title="Online forms",
        models=("forms_engine.submission",),
        export=export_forms,
        order=35,
    )
)
