"""Serving stored templates, samples and generated documents: always as attachments, never
rendered inline (an uploaded file must not run in the site's origin)."""

from __future__ import annotations

import os

from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import content_disposition_header

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "ofd": "application/ofd",
    "zip": "application/zip",
}


def file_response(field_file, title: str) -> FileResponse:
    if not field_file:
        raise Http404("没有提供该文件。")
    ext = os.path.splitext(field_file.name)[1].lower().lstrip(".")
    try:
        handle = field_file.storage.open(field_file.name, "rb")
    except FileNotFoundError:
        raise Http404("文件已丢失，请联系事项管理员。") from None
    response = FileResponse(handle, content_type=CONTENT_TYPES.get(ext, "application/octet-stream"))
    response["Content-Disposition"] = content_disposition_header(True, f"{title}.{ext}")
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def bytes_response(body: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
