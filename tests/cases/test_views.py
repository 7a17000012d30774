"""The pages applicants, staff and the public use."""

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tongban.cases import services
from tongban.cases.models import Case, Status

from .factories import pdf

pytestmark = pytest.mark.django_db


def test_applicant_applies_online_and_sees_the_case(client, enterprise_user, version):
    client.force_login(enterprise_user)
    page = client.get(f"/cases/apply/{version.item.implementation_code}/")
    assert page.status_code == 200 and "建设工程规划许可证" in page.content.decode()
    key = page.context["submission_key"]
    materials = list(version.materials.all())
    form = {"submission_key": key, "contact_name": "王经理", "contact_phone": "13800138000", "project_name": "某住宅"}
    form.update({f"material_{m.pk}": pdf(f"{m.name}.pdf") for m in materials})
    response = client.post(f"/cases/apply/{version.item.implementation_code}/", form)
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/mine/{case.pk}/"
    form.update({f"material_{m.pk}": pdf(f"{m.name}.pdf") for m in materials})
    client.post(f"/cases/apply/{version.item.implementation_code}/", form)  # double click
    assert Case.objects.count() == 1
    detail = client.get(f"/cases/mine/{case.pk}/").content.decode()
    assert case.number in detail and case.query_code in detail and "待受理" in detail


def test_a_bad_upload_keeps_the_form_and_says_why(client, enterprise_user, version):
    client.force_login(enterprise_user)
    materials = list(version.materials.all())
    form = {"submission_key": "x1", "contact_name": "王经理", "contact_phone": "13800138000",
            f"material_{materials[0].pk}": pdf(), f"material_{materials[1].pk}": pdf("a.pdf", b"MZ\x00\x00evil")}
    response = client.post(f"/cases/apply/{version.item.implementation_code}/", form)
    assert response.status_code == 400
    body = response.content.decode()
    assert "可执行程序" in body and 'value="王经理"' in body
    assert Case.objects.count() == 0


def test_a_pdf_with_javascript_is_refused_on_the_page_and_nothing_is_kept(client, enterprise_user, version):
    from tongban.core.models import Attachment

    from ..core.test_attachments import document_javascript

    client.force_login(enterprise_user)
    materials = list(version.materials.all())
    form = {"submission_key": "x2", "contact_name": "王经理", "contact_phone": "13800138000",
            f"material_{materials[0].pk}": pdf(), f"material_{materials[1].pk}": pdf("图纸.pdf", document_javascript())}
    response = client.post(f"/cases/apply/{version.item.implementation_code}/", form)
    assert response.status_code == 400
    body = response.content.decode()
    assert "JavaScript 脚本" in body and materials[1].name in body and 'value="王经理"' in body
    assert Case.objects.count() == 0 and not Attachment.objects.exists()


def test_staff_act_on_the_case_page(client, submit, clerk):
    case = submit()
    client.force_login(clerk)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "受理并出具受理通知书" in page
    response = client.post(f"/cases/{case.pk}/act/accept/", {"row_version": case.row_version}, follow=True)
    assert "已受理" in response.content.decode()
    assert Case.objects.get(pk=case.pk).status == Status.REVIEW
    # the same button from a stale page: a clear message, nothing doubled
    response = client.post(f"/cases/{case.pk}/act/accept/", {"row_version": case.row_version}, follow=True)
    assert "不能受理" in response.content.decode()
    assert Case.objects.get(pk=case.pk).transitions.filter(action="accept").count() == 1


def test_staff_of_another_city_cannot_open_the_case(client, submit, other_clerk):
    case = submit()
    client.force_login(other_clerk)
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    assert client.post(f"/cases/{case.pk}/act/accept/").status_code == 404


def test_applicant_cannot_use_staff_pages(client, submit, enterprise_user):
    case = submit()
    client.force_login(enterprise_user)
    assert client.get("/cases/").status_code == 403
    assert client.post(f"/cases/{case.pk}/act/accept/").status_code == 403


def test_documents_download_as_pdf_and_word_with_the_item_name(client, submit, clerk, enterprise_user):
    from docx import Document as Docx
    from pypdf import PdfReader

    case = services.case_accept(actor=clerk, case_id=submit().pk)
    doc = case.documents.get()
    client.force_login(enterprise_user)
    response = client.get(f"/cases/{case.pk}/documents/{doc.pk}.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pages = PdfReader(io.BytesIO(response.content)).pages
    text = "".join(p.extract_text() for p in pages).replace("\x00", "")
    assert "受理通知书" in text and doc.number in text
    response = client.get(f"/cases/{case.pk}/documents/{doc.pk}.docx")
    paragraphs = "\n".join(p.text for p in Docx(io.BytesIO(response.content)).paragraphs)
    assert "应建防空地下室的民用建筑项目报建审批" in paragraphs and "决定予以受理" in paragraphs


def test_uploaded_materials_download_as_attachments_only(client, submit, clerk):
    case = submit()
    row = case.materials.first()
    client.force_login(clerk)
    response = client.get(f"/cases/{case.pk}/materials/{row.pk}/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"


def test_public_progress_query_shows_stages_but_no_personal_data(client, submit, clerk):
    case = services.case_accept(actor=clerk, case_id=submit().pk)
    client.logout()
    response = client.get("/cases/progress/", {"number": case.number, "code": case.query_code.lower()})
    body = response.content.decode()
    assert response.status_code == 200 and "审查中" in body and "受理" in body
    assert case.contact_phone not in body and case.applicant_code not in body and case.contact_name not in body
    wrong = client.get("/cases/progress/", {"number": case.number, "code": "ZZZZZZ"})
    assert wrong.status_code == 404 and "请核对办件编号和查询码" in wrong.content.decode()


def test_clerk_registers_a_walk_in_application(client, clerk, version):
    from tongban.core.validators import make_uscc

    client.force_login(clerk)
    uscc = make_uscc("9", "1", "410100", "MA00000X")
    materials = list(version.materials.all())
    form = {"item": version.item_id, "submission_key": "walk-1", "applicant_kind": "enterprise",
            "applicant_name": "郑州某建设有限公司", "applicant_code": uscc, "contact_name": "李四",
            "contact_phone": "037160000000"[:11]}
    form.update({f"material_{m.pk}": pdf() for m in materials})
    response = client.post("/cases/register/", form)
    case = Case.objects.get()
    assert response.status_code == 302 and case.channel == "window" and case.registered_by == clerk
    assert case.applicant_code == uscc and case.visits == 1
    bad = dict(form, applicant_code="91410100MA00000000", submission_key="walk-2")
    bad.update({f"material_{m.pk}": pdf() for m in materials})
    response = client.post("/cases/register/", bad)
    assert response.status_code == 400 and Case.objects.count() == 1


def test_inbox_and_case_list_query_counts_do_not_grow_with_cases(client, submit, clerk, pin_today):
    for _ in range(3):
        submit()
    client.force_login(clerk)
    client.get("/workspace/")  # warm the per-process caches (content types, menu, session) before counting
    from tongban.core.inbox import bump

    bump()  # count the inbox as it is built, not the short per-user cache of it
    with CaptureQueriesContext(connection) as few:
        assert client.get("/workspace/").status_code == 200
    with CaptureQueriesContext(connection) as few_list:
        client.get("/cases/")
    for _ in range(12):
        submit()
    bump()
    with CaptureQueriesContext(connection) as many:
        client.get("/workspace/")
    with CaptureQueriesContext(connection) as many_list:
        client.get("/cases/")
    assert len(many) == len(few) and len(many_list) == len(few_list)
    case = Case.objects.first()
    with CaptureQueriesContext(connection) as detail:
        client.get(f"/cases/{case.pk}/")
    assert len(detail) < 40


def test_supervisor_sees_warnings_and_presses(client, submit, clerk, supervisor, pin_today):
    from tongban.cases.sweep import run_sweep

    pin_today(dt.date(2025, 11, 3))
    case = services.case_accept(actor=clerk, case_id=submit().pk)
    run_sweep(dt.date(2025, 11, 18))
    client.force_login(supervisor)
    page = client.get("/cases/supervision/?level=red").content.decode()
    assert case.number in page
    client.post(f"/cases/{case.pk}/act/press/", {"note": "超期，请今日办结"})
    assert case.presses.get().note == "超期，请今日办结"


def test_staff_see_masked_contacts_and_revealing_them_is_audited(client, submit, clerk):
    from tongban.core.models import AuditEvent

    case = submit()
    client.force_login(clerk)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert case.contact_phone not in page and "138****8000" in page
    assert not AuditEvent.objects.filter(action="pii.read").exists()
    page = client.get(f"/cases/{case.pk}/?reveal=1").content.decode()
    assert case.contact_phone in page
    event = AuditEvent.objects.get(action="pii.read")
    assert event.actor_repr == clerk.username and event.object_id == str(case.pk)


def test_public_progress_is_fresh_after_a_transition(client, submit, clerk, django_capture_on_commit_callbacks):
    case = submit()
    query = {"number": case.number, "code": case.query_code}
    assert "待受理" in client.get("/cases/progress/", query).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.case_accept(actor=clerk, case_id=case.pk)
    body = client.get("/cases/progress/", query).content.decode()
    assert "审查中" in body and "待受理</span>" not in body
    assert client.get("/api/v1/cases/progress", query).json()["status"] == "review"


def test_the_inbox_filters_by_module_and_warning(client, submit, clerk, pin_today):
    import datetime as dt

    from tongban.cases.sweep import run_sweep

    pin_today(dt.date(2025, 11, 3))
    submit()
    late = submit()
    run_sweep(dt.date(2025, 11, 3))
    from tongban.cases.models import Case

    Case.objects.filter(pk=late.pk).update(warning="red")
    client.force_login(clerk)
    page = client.get("/workspace/", {"warning": "red"})
    assert [i.url for i in page.context["items"]] == [f"/cases/{late.pk}/"]
    assert page.context["counts"]["total"] == 2
    assert len(client.get("/workspace/", {"module": "办件"}).context["items"]) == 2


def test_a_refused_walk_in_opens_no_account(client, clerk, version):
    from tongban.accounts.models import Enterprise
    from tongban.core.validators import make_uscc

    client.force_login(clerk)
    uscc = make_uscc("9", "1", "410100", "MB00000X")
    form = {"item": version.item_id, "submission_key": "walk-3", "applicant_kind": "enterprise",
            "applicant_name": "郑州某新设公司", "applicant_code": uscc, "contact_name": "李四", "contact_phone": ""}
    response = client.post("/cases/register/", form)  # no phone, no materials: refused
    assert response.status_code == 400
    assert not Enterprise.objects.filter(uscc=uscc).exists() and Case.objects.count() == 0
