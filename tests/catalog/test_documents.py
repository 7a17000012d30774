"""The guide downloads as Word and PDF with the item's Chinese text (read back)."""

import io
import os

import pytest
from docx import Document
from pypdf import PdfReader

from tongban.catalog import documents

from .factories import make_item

pytestmark = pytest.mark.django_db

needs_font = pytest.mark.skipif(
    documents.find_cjk_font() is None and not os.environ.get("CI"),
    reason="no CJK font on this machine (CI installs fonts-noto-cjk)",
)


@pytest.fixture
def item(admin_a, city_a):
    return make_item(city_a, actor=admin_a, implementation_code="RF-BA-002-A")


def test_the_word_guide_contains_the_chinese_name_and_materials(client, item):
    response = client.get("/guides/RF-BA-002-A/guide.docx")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    assert "防空地下室竣工验收备案" in text
    assert "竣工验收报告" in cells and "委托代理人办理的" in cells
    assert "10 个工作日" in cells


@needs_font
def test_the_pdf_guide_contains_the_chinese_name(client, item):
    response = client.get("/guides/RF-BA-002-A/guide.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    # pypdf reads fpdf2's two-byte CID codes as NUL + character (poppler's pdftotext does not);
    # drop NULs and the spaces it puts between glyphs.
    raw = "".join(page.extract_text() for page in reader.pages).replace("\x00", "")
    text = "".join(raw.split())
    assert "防空地下室竣工验收备案" in text
    assert "竣工验收报告" in text
    assert "《中华人民共和国人民防空法》第二十二条" in text


def test_without_a_chinese_font_the_pdf_answers_503_in_chinese(client, item, monkeypatch):
    monkeypatch.setenv("TONGBAN_CJK_FONT", "/nonexistent/font.ttc")
    response = client.get("/guides/RF-BA-002-A/guide.pdf")
    assert response.status_code == 503
    assert "服务器未安装中文字体" in response.content.decode()


def test_an_unknown_item_has_no_documents(client, db):
    assert client.get("/guides/NOPE/guide.docx").status_code == 404
    assert client.get("/guides/NOPE/guide.pdf").status_code == 404
