"""The integration app's part of a subject access export: the rows of imports that were about
the citizen (what the other system's file said about them, and what was done with it)."""

from audit.subject_access.registry import Exporter, Section, record, register


def export_integration(citizen) -> Section:
    from integration.models import ImportRow

    rows = ImportRow.objects.filter(citizen=citizen).select_related("run").order_by("pk")
    return Section(
        title="Records imported from other council systems",
        tables={
            "imported rows": [
                record(row, exclude=("source_key", "candidates"), extra={"source": row.run.source})
                for row in rows
            ]
        },
    )


register(
    Exporter(
        app_label="integration",
        title="Records imported from other council systems",
        models=("integration.importrow",),
        export=export_integration,
        order=90,
    )
)
