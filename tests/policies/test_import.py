"""Bulk import of enterprise profiles: line-and-reason errors; all-or-nothing or valid-only."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tongban.accounts.models import Enterprise
from tongban.core.validators import make_uscc
from tongban.policies import importer
from tongban.policies.models import ConstructionProject, EnterpriseProfile, ImportJob

pytestmark = pytest.mark.django_db

HEADER = importer.TEMPLATE_HEADERS


def row(n: int, **over) -> list[str]:
    values = {
        "统一社会信用代码": make_uscc("9", "1", "410102", f"MX{n:06d}"),
        "企业名称": f"导入企业{n}",
        "所在行政区划": "410102",
        "行业代码": "G5920",
        "企业规模": "小型",
        "注册资本（元）": "5000000",
        "上年营业收入（元）": "12000000.50",
        "从业人数": "45",
        "成立日期": "2019-03-01",
        "信用等级": "A",
        "标签": "高新技术企业",
        "项目名称": "一号仓库",
        "项目用途": "仓储",
        "项目总建筑面积（m²）": "1999.99",
        "项目所在地": "410102",
        "项目开工日期": "2026-04-01",
    }
    values.update(over)
    return [values[h] for h in HEADER]


def upload(rows, name="profiles.csv") -> SimpleUploadedFile:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return SimpleUploadedFile(name, buf.getvalue().encode("utf-8-sig"), content_type="text/csv")


BAD_ROWS = [
    row(1),
    row(2, **{"统一社会信用代码": "91410102MA0000000X"}),
    row(3, **{"项目总建筑面积（m²）": "1999.999"}),
    row(4, **{"企业规模": "巨型", "标签": "独角兽"}),
    row(1, **{"企业名称": "重复的企业"}),
    row(5),
]


def _run(admin, rows, mode, capture) -> ImportJob:
    with capture(execute=True):
        job = importer.import_start(actor=admin, upload=upload(rows), mode=mode)
    job.refresh_from_db()
    return job


def test_valid_only_imports_good_rows_and_reports_each_bad_line_with_its_reason(
    admin_p, tags, django_capture_on_commit_callbacks
):
    job = _run(admin_p, BAD_ROWS, ImportJob.Mode.VALID_ONLY, django_capture_on_commit_callbacks)
    assert job.status == ImportJob.Status.DONE
    assert (job.total, job.imported, job.error_count) == (6, 2, 4)
    errors = dict((line, reason) for line, reason in job.errors)
    assert set(errors) == {3, 4, 5, 6}
    assert "统一社会信用代码" in errors[3]
    assert "项目总建筑面积最多保留两位小数（收到 1999.999）" in errors[4]
    assert "企业规模“巨型”" in errors[5] and "标签“独角兽”不存在" in errors[5]
    assert "与第 2 行重复" in errors[6]
    profile = EnterpriseProfile.objects.get(enterprise__name="导入企业1")
    assert profile.project_floor_area_cm2 == 199_999 and profile.annual_revenue_fen == 1_200_000_050
    assert profile.match_dirty and profile.tag_bits == 1 << tags["高新技术企业"].bit
    assert ConstructionProject.objects.count() == 2


def test_all_or_nothing_imports_nothing_when_any_row_is_bad(
    admin_p, tags, django_capture_on_commit_callbacks
):
    job = _run(admin_p, BAD_ROWS, ImportJob.Mode.ALL_OR_NOTHING, django_capture_on_commit_callbacks)
    assert job.status == ImportJob.Status.FAILED
    assert job.imported == 0 and job.error_count == 4
    assert not Enterprise.objects.filter(name__startswith="导入企业").exists()


def test_all_or_nothing_imports_everything_when_all_rows_are_good_and_updates_existing(
    admin_p, tags, django_capture_on_commit_callbacks
):
    job = _run(
        admin_p, [row(1), row(2)], ImportJob.Mode.ALL_OR_NOTHING, django_capture_on_commit_callbacks
    )
    assert (job.status, job.imported) == (ImportJob.Status.DONE, 2)
    job = _run(
        admin_p,
        [row(1, **{"从业人数": "99"})],
        ImportJob.Mode.ALL_OR_NOTHING,
        django_capture_on_commit_callbacks,
    )
    assert EnterpriseProfile.objects.get(enterprise__name="导入企业1").employees == 99
    assert EnterpriseProfile.objects.count() == 2


def test_excel_files_are_read_too(admin_p, tags, django_capture_on_commit_callbacks):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    ws.append(row(7))
    ws.append(row(8, **{"成立日期": "去年"}))
    buf = io.BytesIO()
    wb.save(buf)
    with django_capture_on_commit_callbacks(execute=True):
        job = importer.import_start(
            actor=admin_p,
            mode=ImportJob.Mode.VALID_ONLY,
            upload=SimpleUploadedFile(
                "p.xlsx",
                buf.getvalue(),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
        )
    job.refresh_from_db()
    assert job.imported == 1 and job.errors == [[3, "成立日期“去年”应为日期，如 2020-05-01"]]


def test_the_import_page_shows_progress_and_errors(
    client, admin_p, tags, django_capture_on_commit_callbacks
):
    client.force_login(admin_p)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("policies:import"), {"file": upload(BAD_ROWS), "mode": "valid"}
        )
    assert response.status_code == 302
    page = client.get(response["Location"])
    text = page.content.decode()
    assert "已导入 2 行；4 行有错误未导入" in text and "与第 2 行重复" in text
    partial = client.get(response["Location"], HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode() and "100%" in partial.content.decode()


def test_a_file_of_the_wrong_type_is_refused(client, admin_p):
    client.force_login(admin_p)
    bad = SimpleUploadedFile("p.txt", b"hello", content_type="text/plain")
    response = client.post(reverse("policies:import"), {"file": bad, "mode": "valid"})
    assert response.status_code == 400
    assert "请上传 CSV 或 Excel" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_damaged_excel_file_fails_with_a_reason_and_no_copy_is_kept(
    admin_p, settings, django_capture_on_commit_callbacks
):
    damaged = SimpleUploadedFile(
        "p.xlsx", b"PK\x03\x04 not really a workbook", content_type="application/zip"
    )
    with django_capture_on_commit_callbacks(execute=True):
        job = importer.import_start(actor=admin_p, upload=damaged, mode=ImportJob.Mode.VALID_ONLY)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert job.errors[0][1].startswith("文件无法读取")
    assert list(importer.import_dir().iterdir()) == []
