"""Documents speak for the agency, and pages name a department with its agency: several agencies
have a department of the same name (行政审批办公室)."""

from __future__ import annotations

import io

import pytest

from tongban.cases import services
from tongban.catalog.documents import find_cjk_font

from .factories import decide_case, make_item, pdf, submit_case


@pytest.fixture
def dept_version(dept_a):
    return make_item(dept_a, code="11410100MB0009")


@pytest.fixture
def dept_case(dept_version, enterprise_user):
    return submit_case(enterprise_user, dept_version, project_name="某住宅项目",
                       files={str(m.pk): pdf() for m in dept_version.materials.all()})


def _pdf_text(body: bytes) -> str:
    from pypdf import PdfReader

    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages).replace("\x00", "")


def _docx_lines(body: bytes) -> list[str]:
    from docx import Document as Docx

    return [p.text for p in Docx(io.BytesIO(body)).paragraphs]


@pytest.mark.skipif(find_cjk_font() is None, reason="PDFs need a CJK font")
def test_decision_header_and_signature_name_the_agency_not_the_department(
    client, dept_case, clerk, reviewer, approver, enterprise_user
):
    case = decide_case(dept_case, clerk=clerk, reviewer=reviewer, approver=approver)
    doc = case.documents.get(kind="approval")
    client.force_login(enterprise_user)
    text = _pdf_text(client.get(f"/cases/{case.pk}/documents/{doc.pk}.pdf").content)
    assert text.count("甲市人防办") >= 2  # header and signature
    assert "甲市审批办" not in text
    lines = _docx_lines(client.get(f"/cases/{case.pk}/documents/{doc.pk}.docx").content)
    assert lines[0] == "甲市人防办"  # the header
    assert "甲市人防办" in lines[-2:]  # the signature above the date
    assert not any("甲市审批办" in line for line in lines)


def test_case_pages_name_the_department_with_its_agency(client, dept_case, clerk, enterprise_user):
    services.case_accept(actor=clerk, case_id=dept_case.pk)
    client.force_login(enterprise_user)
    assert "甲市人防办 甲市审批办" in client.get(f"/cases/mine/{dept_case.pk}/").content.decode()
    assert "甲市人防办 甲市审批办" in client.get(f"/cases/apply/{dept_case.item.implementation_code}/").content.decode()
    client.force_login(clerk)
    assert "甲市人防办 甲市审批办" in client.get(f"/cases/{dept_case.pk}/").content.decode()
    client.logout()
    page = client.get("/cases/progress/", {"number": dept_case.number, "code": dept_case.query_code}).content.decode()
    assert "甲市人防办 甲市审批办" in page


def test_an_agency_is_named_once(client, submit, enterprise_user):
    case = submit()
    client.force_login(enterprise_user)
    page = client.get(f"/cases/mine/{case.pk}/").content.decode()
    assert "甲市人防办" in page and "甲市人防办 甲市人防办" not in page


def test_a_document_keeps_the_agency_it_was_issued_for(dept_case, clerk, reviewer, approver):
    from tongban.cases.documents import issuer

    case = decide_case(dept_case, clerk=clerk, reviewer=reviewer, approver=approver)
    doc = case.documents.get(kind="approval")
    assert doc.content["agency"] == "甲市人防办"
    agency = case.organisation.agency()
    agency.name = "甲市国防动员办"  # renamed after the decision was issued
    agency.save(update_fields=["name"])
    doc.refresh_from_db()
    assert issuer(doc) == "甲市人防办"
