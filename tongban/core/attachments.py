"""Secure uploads: the type is decided by the file's content, never by its name or the browser's
claim; executables, scripts and HTML are refused; files are stored under their SHA-256 and sent
back only as downloads (`Content-Disposition: attachment`, `nosniff`)."""

from __future__ import annotations

import hashlib
import io
import zipfile
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.http import FileResponse

from .models import Attachment

MAX_BYTES = getattr(settings, "TONGBAN_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)

# What applicants may upload: scans, photos, PDFs, OFD and Office documents.
ALLOWED = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "application/ofd": ".ofd",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
}
ALLOWED_LABEL = "PDF、JPG、PNG、OFD、DOCX、XLSX"


def sniff(head: bytes, data: bytes | None = None) -> str | None:
    """The file's real type from its first bytes (and, for zip containers, its parts)."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"PK\x03\x04") and data is not None:
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except zipfile.BadZipFile:
            return None
        if "OFD.xml" in names:
            return "application/ofd"
        if "[Content_Types].xml" in names and any(n.startswith("word/") for n in names):
            return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
            return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return None


def _refusal(head: bytes) -> str:
    lowered = head[:512].lstrip().lower()
    if head.startswith((b"MZ", b"\x7fELF", b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe", b"#!")):
        return "文件是可执行程序或脚本，不能上传。"
    if lowered.startswith((b"<!doctype html", b"<html", b"<script", b"<svg", b"<?xml")) or b"<script" in lowered:
        return "文件是网页或脚本（HTML/SVG/XML），不能上传。"
    return f"不支持的文件类型，请上传 {ALLOWED_LABEL} 格式的文件。"


def check_upload(upload, *, label: str = "") -> tuple[bytes, str]:
    """Read and check an uploaded file; return its bytes and real content type, or raise a
    ValidationError in Chinese naming the file."""
    prefix = f"“{label or upload.name}”：" if (label or getattr(upload, "name", "")) else ""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise ValidationError(f"{prefix}文件过大（{size / 1024 / 1024:.1f} MB），单个文件上限 {MAX_BYTES // 1024 // 1024} MB。")
    data = upload.read()
    if len(data) > MAX_BYTES:
        raise ValidationError(f"{prefix}文件过大，单个文件上限 {MAX_BYTES // 1024 // 1024} MB。")
    if not data:
        raise ValidationError(f"{prefix}文件是空的。")
    kind = sniff(data[:16], data)
    if kind is None:
        raise ValidationError(prefix + _refusal(data))
    return data, kind


def store(upload, *, actor=None, label: str = "") -> Attachment:
    """Check and save an upload. Call inside the service's transaction; a failure saves nothing."""
    data, kind = check_upload(upload, label=label)
    digest = hashlib.sha256(data).hexdigest()
    name = (getattr(upload, "name", "") or "file").replace("/", "_").replace("\\", "_")[-200:]
    attachment = Attachment(
        original_name=name,
        content_type=kind,
        size=len(data),
        sha256=digest,
        uploaded_by=actor if getattr(actor, "pk", None) else None,
    )
    attachment.file.save(digest, ContentFile(data), save=False)
    attachment.save()
    return attachment


def download_response(attachment: Attachment) -> FileResponse:
    """Send the file as a download with its checked type; browsers never render it inline."""
    response = FileResponse(attachment.file.open("rb"), content_type=attachment.content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(attachment.original_name)}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
