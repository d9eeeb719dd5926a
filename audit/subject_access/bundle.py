"""The downloadable bundle: data.json (machine-readable), summary.html (readable) and files/."""

import io
import json
import zipfile

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from audit.subject_access.registry import autodiscover, exporters


def bundle_build(*, citizen, sar=None) -> tuple[bytes, str]:
    """Return (zip bytes, file name) holding everything every exporter declares."""
    autodiscover()
    generated_at = timezone.now()
    sections = [(exporter, exporter.export(citizen)) for exporter in exporters()]
    folder = f"subject-access-{citizen.reference}-{generated_at:%Y%m%d-%H%M}"
    data = {
        "council": settings.COUNCIL_NAME,
        "generated_at": generated_at.isoformat(),
        "citizen_reference": citizen.reference,
        "request_reference": sar.reference if sar else None,
        "sections": {
            exporter.app_label: {"title": section.title, "tables": section.tables}
            for exporter, section in sections
        },
    }
    html = render_to_string(
        "audit/subject_access_summary.html",
        {
            "citizen": citizen,
            "sar": sar,
            "generated_at": generated_at,
            "council_name": settings.COUNCIL_NAME,
            "sections": [_readable(section) for _exporter, section in sections],
        },
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{folder}/data.json", json.dumps(data, indent=2, default=str))
        archive.writestr(f"{folder}/summary.html", html)
        for _exporter, section in sections:
            for path, read in section.files:
                try:
                    archive.writestr(f"{folder}/files/{path}", read())
                except FileNotFoundError:
                    archive.writestr(
                        f"{folder}/files/{path}.missing.txt",
                        "This file is recorded but could not be found in storage.",
                    )
    return buffer.getvalue(), f"{folder}.zip"


def _readable(section) -> dict:
    """Rows as (label, value) pairs for the HTML summary: "date_of_birth" -> "Date of birth"."""
    return {
        "title": section.title,
        "tables": {
            title: [
                [(key.replace("_", " ").capitalize(), value) for key, value in row.items()]
                for row in rows
            ]
            for title, rows in section.tables.items()
        },
    }
