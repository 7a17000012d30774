"""Secure uploads: the type is decided by the file's content, never by its name or the browser's
claim; executables, scripts and HTML are refused; files are stored under their SHA-256 and sent
back only as downloads (`Content-Disposition: attachment`, `nosniff`).

Refused as well, because a viewer or a browser could run them:
- a PDF with active content, found by walking its whole object graph with pypdf (JavaScript,
  an /OpenAction that does more than open at a page, /Launch, /AA additional actions, embedded
  files, XFA forms), with a raw scan of the bytes outside streams as a fallback for whatever the
  parser did not reach;
- a PDF or image with HTML or script anywhere in it (a polyglot that a browser could sniff);
- a PDF that pypdf cannot parse, or that is encrypted so its structure cannot be read;
- a file name with an executable, script or web-page extension anywhere (`报建.exe.pdf`).
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
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


# Extensions of programs, scripts and web pages: a name carrying one (even before the real
# extension, as in `营业执照.exe.pdf`) is a disguise or an accident waiting to be clicked.
RISKY_EXTENSIONS = frozenset({
    "exe", "scr", "pif", "bat", "cmd", "msi", "msp", "msc", "dll", "cpl", "ocx", "jar", "apk", "lnk", "reg",
    "scf", "chm", "hta", "js", "jse", "mjs", "vbs", "vbe", "wsf", "wsh", "ps1", "psm1", "sh", "bash", "py", "pyw",
    "pl", "rb", "php", "phtml", "phar", "asp", "aspx", "jsp", "cgi", "htm", "html", "xhtml", "shtml", "mht",
    "mhtml", "svg", "swf",
})
# Bidirectional controls reorder how a name is displayed: "报告\u202efdp.exe" shows as "报告exe.pdf".
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")

# HTML or script anywhere in a PDF or an image: a browser that sniffs it would render it.
ACTIVE_MARKUP = (b"<script", b"<html", b"<iframe", b"javascript:")
_DOCTYPE_HTML = re.compile(rb"<!doctype\s+html")

# PDF names that make a viewer run something or carry another file (ISO 32000-1 §12.6 actions,
# §12.6.3 trigger events, §7.11.4 embedded files, §12.7.8 XFA). The value names what was found.
PDF_ACTIVE_NAMES = {
    "/JS": "JavaScript 脚本（JavaScript）",
    "/JavaScript": "JavaScript 脚本（JavaScript）",
    "/OpenAction": "打开文件时自动执行的动作（/OpenAction）",
    "/Launch": "启动外部程序的动作（/Launch）",
    "/AA": "触发执行的附加动作（/AA）",
    "/EmbeddedFiles": "嵌入的文件（/EmbeddedFiles）",
    "/EmbeddedFile": "嵌入的文件（/EmbeddedFiles）",
    "/EF": "嵌入的文件（/EmbeddedFiles）",
    "/XFA": "XFA 动态表单（/XFA）",
}
# Action types (the /S of an action dictionary) that run code or a program.
PDF_ACTIVE_ACTIONS = {"/JavaScript", "/Launch"}
PDF_CORRUPT = "文件已损坏或不是有效的 PDF，请重新生成或扫描后上传。"
PDF_ENCRYPTED = "PDF 已加密（设置了打开密码或权限密码），无法检查其内容；请去除加密后重新上传。"
# A cap on the objects visited, so a crafted file cannot make the check run for ever.
PDF_MAX_OBJECTS = 500_000

_PDF_NAME = re.compile(rb"/[^\s/<>\[\]()%{}]+")
_PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")


def _has_markup(data: bytes) -> bool:
    lowered = data.lower()  # one pass in C; then substring searches, which are fast
    return any(token in lowered for token in ACTIVE_MARKUP) or (
        b"<!doctype" in lowered and _DOCTYPE_HTML.search(lowered) is not None
    )


def _check_name(name: str) -> None:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    if any(ch in BIDI_CONTROLS for ch in base):
        raise ValidationError("文件名含有改变文字显示方向的不可见字符，可能是伪装的程序，不能上传；请改名后重新上传。")
    risky = [part for part in (p.strip(" .").lower() for p in base.split(".")[1:]) if part in RISKY_EXTENSIONS]
    if risky:
        raise ValidationError(
            f"文件名“{base}”含有可执行程序、脚本或网页的扩展名（.{risky[0]}），不能上传；"
            "请改为只有一个扩展名的文件名（如“营业执照.pdf”）后重新上传。"
        )


def _harmless_open_action(value) -> bool:
    """An /OpenAction that only sets the first view — a destination such as `[page /Fit]`, or a
    GoTo to one — runs nothing. fpdf2 (which makes Tongban's own documents), LibreOffice and many
    scanners write one; anything else (JavaScript, Launch, URI, SubmitForm, a chain via /Next) is
    refused."""
    from pypdf.generic import ArrayObject, DictionaryObject

    value = value.get_object()
    if isinstance(value, ArrayObject):
        return True
    return isinstance(value, DictionaryObject) and value.get("/S") == "/GoTo" and "/Next" not in value


def _pdf_structure_findings(data: bytes) -> list[str]:
    """The active-content names reachable from the document catalog, read by pypdf (which also
    decodes obfuscated names such as /J#61vaScript and compressed object streams)."""
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                decrypted = reader.decrypt("")
            except Exception:  # e.g. AES without a crypto provider: unreadable all the same
                decrypted = 0
            if not decrypted:
                raise ValidationError(PDF_ENCRYPTED)
        root = reader.trailer["/Root"]
        if not isinstance(root, DictionaryObject) or len(reader.pages) == 0:
            raise ValidationError(PDF_CORRUPT)
        found: list[str] = []
        seen: set[tuple[int, int]] = set()
        stack = [reader.trailer.raw_get("/Root")]
        visited = 0
        while stack:
            visited += 1
            if visited > PDF_MAX_OBJECTS:
                raise ValidationError(PDF_CORRUPT)
            obj = stack.pop()
            if isinstance(obj, IndirectObject):
                ref = (obj.idnum, obj.generation)
                if ref in seen:
                    continue
                seen.add(ref)
                obj = obj.get_object()
            if isinstance(obj, DictionaryObject):  # stream dictionaries too; their data is never decoded
                for key, value in obj.items():
                    if key == "/OpenAction":
                        if not _harmless_open_action(value):
                            found.append(key)
                    elif key in PDF_ACTIVE_NAMES:
                        found.append(key)
                    stack.append(value)
                action = obj.get("/S")
                action = action.get_object() if isinstance(action, IndirectObject) else action
                if action in PDF_ACTIVE_ACTIONS:
                    found.append(str(action))
                kind = obj.get("/Type")
                if (kind.get_object() if isinstance(kind, IndirectObject) else kind) == "/EmbeddedFile":
                    found.append("/EmbeddedFile")
            elif isinstance(obj, ArrayObject):
                stack.extend(obj)
        return found
    except ValidationError:
        raise
    except Exception:  # pypdf raises many kinds of error on a malformed file
        raise ValidationError(PDF_CORRUPT) from None


def _outside_streams(data: bytes) -> bytes:
    """The file without its stream data. A plain scan rather than a regular expression, so that a
    file full of unterminated `stream` keywords costs linear time, not quadratic."""
    parts, pos = [], 0
    while (start := data.find(b"stream", pos)) >= 0:
        parts.append(data[pos:start])
        end = data.find(b"endstream", start + 6)
        if end < 0:
            return b" ".join(parts)
        pos = end + 9
    parts.append(data[pos:])
    return b" ".join(parts)


def _pdf_raw_findings(data: bytes) -> list[str]:
    """Fallback: active-content names anywhere in the file outside stream data (where random
    compressed bytes would give false alarms), with #xx escapes decoded. /OpenAction is left to
    the parser, which can tell a first view from an action; an action it points to that runs
    something carries a name found here (/JS, /Launch)."""
    found = []
    for match in _PDF_NAME.finditer(_outside_streams(data)):
        name = _PDF_NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), match.group())
        label = name.decode("latin-1")
        if label in PDF_ACTIVE_NAMES and label != "/OpenAction":
            found.append(label)
    return found


def _check_pdf(data: bytes) -> None:
    found = _pdf_structure_findings(data) + _pdf_raw_findings(data)
    if found:
        labels = list(dict.fromkeys(PDF_ACTIVE_NAMES.get(name, name) for name in found))
        raise ValidationError(
            f"PDF 含有可自动执行或携带其他文件的内容：{'、'.join(labels)}，不能上传。"
            "请用“打印为 PDF”或重新扫描生成不含脚本和附件的 PDF 后上传。"
        )


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
    try:
        _check_name(getattr(upload, "name", "") or "")
    except ValidationError as exc:
        raise ValidationError(prefix + exc.messages[0]) from None
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
    # Zip containers (OFD, DOCX, XLSX) are compressed: their raw bytes say nothing a browser would run.
    if not data.startswith(b"PK") and _has_markup(data):
        raise ValidationError(prefix + "文件中夹带了网页或脚本代码（HTML/JavaScript），不能上传。")
    if kind == "application/pdf":
        try:
            _check_pdf(data)
        except ValidationError as exc:
            raise ValidationError(prefix + exc.messages[0]) from None
    return data, kind


@dataclass(frozen=True)
class Checked:
    """An upload that passed `check`: its name, bytes and real type, ready to be saved."""

    name: str
    data: bytes
    content_type: str


def check(upload, *, label: str = "") -> Checked:
    """Check an upload without storing it (see `check_all`)."""
    data, kind = check_upload(upload, label=label)
    name = (getattr(upload, "name", "") or "file").replace("/", "_").replace("\\", "_")[-200:]
    return Checked(name=name, data=data, content_type=kind)


def check_all(uploads: Mapping[str, tuple[object, str]]) -> dict[str, Checked]:
    """Check every upload of one submission before any is stored, so that a refusal of the last
    file leaves nothing of the first on disk. `uploads` maps a field name to (upload, label);
    the ValidationError names every refused file under its field."""
    checked: dict[str, Checked] = {}
    errors: dict[str, list[str]] = {}
    for field, (upload, label) in uploads.items():
        try:
            checked[field] = check(upload, label=label)
        except ValidationError as exc:
            errors.setdefault(field, []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    return checked


def save(checked: Checked, *, actor=None) -> Attachment:
    """Store an upload that passed `check`. Call inside the service's transaction."""
    digest = hashlib.sha256(checked.data).hexdigest()
    attachment = Attachment(
        original_name=checked.name,
        content_type=checked.content_type,
        size=len(checked.data),
        sha256=digest,
        uploaded_by=actor if getattr(actor, "pk", None) else None,
    )
    attachment.file.save(digest, ContentFile(checked.data), save=False)
    attachment.save()
    return attachment


def store(upload, *, actor=None, label: str = "") -> Attachment:
    """Check and save one upload. Call inside the service's transaction; a failure saves nothing.
    A submission of several files checks them all first (`check_all`), then saves each."""
    return save(check(upload, label=label), actor=actor)


def download_response(attachment: Attachment) -> FileResponse:
    """Send the file as a download with its checked type; browsers never render it inline."""
    response = FileResponse(attachment.file.open("rb"), content_type=attachment.content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(attachment.original_name)}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
