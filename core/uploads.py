"""Uploaded files on the way out: the name a download (or a subject access bundle) gives a file.

The uploader's file name is kept only as text to show; it never decides the name a browser or an
unzip tool uses. That name is the uploader's name cut down to safe letters, without any folders
or extensions of its own, followed by the extension of the type detected from the file's content
when it was uploaded (the stored file carries that extension already).
"""

import os
import re

from django.http import FileResponse
from django.utils.http import content_disposition_header

_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


def safe_stem(original_name: str) -> str:
    """The uploader's name without folders, extensions or anything but letters, digits, - and _."""
    base = os.path.basename((original_name or "").replace("\\", "/"))
    stem = base.split(".", 1)[0]
    stem = _UNSAFE.sub("_", stem).strip("_-")[:80]
    return stem or "file"


def stored_extension(stored_name: str) -> str:
    """The extension given to the stored file from its detected type (`<uuid>.png` → `png`)."""
    _, ext = os.path.splitext(stored_name or "")
    ext = ext.lstrip(".").lower()
    return ext if ext.isalnum() else "bin"


def download_name(*, original_name: str, stored_name: str) -> str:
    """`../../invoice.html` stored as `<uuid>.png` downloads as `invoice.png`."""
    return f"{safe_stem(original_name)}.{stored_extension(stored_name)}"


def attachment_response(handle, *, original_name: str, stored_name: str, content_type: str):
    """A private file as an attachment with a safe name; never rendered, never sniffed."""
    response = FileResponse(handle, content_type=content_type or "application/octet-stream")
    name = download_name(original_name=original_name, stored_name=stored_name)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
