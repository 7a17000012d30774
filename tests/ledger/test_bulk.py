"""Excel import (background job, all or nothing, a report per row) and the 台账 exports read back."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from tongban.ledger.models import ImportJob, Problem, Status
from tongban.ledger.selectors import LEDGER_HEADERS
from tongban.ledger.services import bulk

from .factories import assigned, closed, world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(city_a, pin_today):
    pin_today(dt.date(2026, 3, 2))
    return world(city_a)


def _xlsx(rows, headers=bulk.IMPORT_HEADERS):
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("台账.xlsx", buf.getvalue(),
                              content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _import(w, upload, capture):
    with capture(execute=True):
        job = bulk.import_start(actor=w.office, campaign_id=w.campaign.pk, upload=upload)
    job.refresh_from_db()
    return job


def test_an_import_with_one_bad_row_writes_nothing_and_reports_every_row(w, django_capture_on_commit_callbacks):
    existing = assigned(w, co=False)
    upload = _xlsx([
        ["", "企业反映咨询电话打不通", "单位自查", "设专人接听", "审批科", "质监站", "l_leader", 5, 0],
        [existing.number, "", "", "", "", "", "", "", 60],
        ["", "另一问题", "道听途说", "", "", "", "", "", ""],
        ["", "第四个问题", "单位自查", "措施", "不存在的科室", "", "l_leader", 5, ""],
    ])
    job = _import(w, upload, django_capture_on_commit_callbacks)
    assert job.status == ImportJob.Status.FAILED
    assert [(r["row"], r["ok"]) for r in job.report] == [(2, True), (3, True), (4, False), (5, False)]
    assert "问题来源“道听途说”不正确" in job.report[2]["message"]
    assert "找不到单位“不存在的科室”" in job.report[3]["message"]
    assert "未写入" in job.report[0]["message"]
    assert Problem.objects.count() == 1
    existing.refresh_from_db()
    assert existing.progress == 0


def test_a_good_import_creates_assigns_and_updates(w, django_capture_on_commit_callbacks):
    existing = assigned(w, co=False)
    upload = _xlsx([
        ["", "企业反映咨询电话打不通", "单位自查", "设专人接听", "审批科", "质监站", "l_leader", 5, 10],
        [existing.number, "", "", "", "", "", "", "", 60],
    ])
    job = _import(w, upload, django_capture_on_commit_callbacks)
    assert (job.status, job.created_count, job.updated_count) == (ImportJob.Status.DONE, 1, 1), job.report
    new = Problem.objects.exclude(pk=existing.pk).get()
    assert (new.status, new.lead_unit, new.progress, new.due_on) == (Status.RECTIFYING, w.dept, 10, dt.date(2026, 3, 9))
    assert list(new.co_units.all()) == [w.co]
    existing.refresh_from_db()
    assert existing.progress == 60


def test_a_wrong_header_is_refused_as_a_whole(w, django_capture_on_commit_callbacks):
    job = _import(w, _xlsx([["x"]], headers=["序号", "问题"]), django_capture_on_commit_callbacks)
    assert job.status == ImportJob.Status.FAILED and "表头" in job.report[0]["message"]


def test_a_file_that_is_not_excel_is_refused(w):
    from django.core.exceptions import ValidationError

    from .factories import pdf

    with pytest.raises(ValidationError, match="xlsx"):
        bulk.import_start(actor=w.office, campaign_id=w.campaign.pk, upload=pdf())
    assert not ImportJob.objects.exists()


def test_the_excel_export_reads_back_in_the_ledger_layout(w):
    a = assigned(w)
    closed(w, assigned(w, "竣工验收等待时间过长", co=False))
    data, name, _ = bulk.campaign_export(actor=w.office, campaign_id=w.campaign.pk, fmt="xlsx")
    ws = load_workbook(io.BytesIO(data)).active
    assert name.endswith(".xlsx")
    assert [c.value for c in ws[2]] == LEDGER_HEADERS == ["序号", "问题", "整改措施", "责任单位", "责任人", "整改时限",
                                                          "进展", "是否销号"]
    first, second = [c.value for c in ws[3]], [c.value for c in ws[4]]
    assert first[:6] == [1, a.title, "统一线上线下指南", "审批科、质监站", "主任甲", a.due_on.isoformat()]
    assert first[7] == "否" and second[7] == "是" and second[6].startswith("100%")


def test_the_word_export_reads_back_in_the_ledger_layout(w):
    from docx import Document

    a = assigned(w)
    data, _, _ = bulk.campaign_export(actor=w.office, campaign_id=w.campaign.pk, fmt="docx")
    doc = Document(io.BytesIO(data))
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells] == LEDGER_HEADERS
    assert [c.text for c in table.rows[1].cells][:5] == ["1", a.title, "统一线上线下指南", "审批科、质监站", "主任甲"]
    assert any("问题整改台账" in p.text for p in doc.paragraphs)
