"""Excel import and update of the ledger (a background job, all rows or none, a report per row),
and the Word and Excel exports in the usual 台账 layout."""

from __future__ import annotations

import io
import zipfile

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from openpyxl.utils.exceptions import InvalidFileException

from tongban.accounts.models import Organisation, User
from tongban.core import attachments, audit
from tongban.core.errors import Conflict, errors_text
from tongban.core.permissions import deny, has_perm

from ..models import Campaign, ImportJob, Problem, SourceKind, Status
from ..permissions import get_campaign_for, leads
from ..selectors import LEDGER_HEADERS, ledger_rows

# The import layout: 编号 empty = a new problem, else the row updates that problem.
IMPORT_HEADERS = ["编号", "问题", "问题来源", "整改措施", "牵头单位", "配合单位", "责任领导", "整改时限（工作日）", "进展（%）"]
SOURCE_BY_LABEL = {str(label): value for value, label in SourceKind.choices}
MAX_ROWS = 2000


# --- exports ----------------------------------------------------------------------------------


def export_xlsx(campaign: Campaign, rows: list[dict], *, number: str = "") -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "整改台账"
    ws.append([f"{campaign.title}问题整改台账" + (f"（{number}）" if number else "")])
    ws["A1"].font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(LEDGER_HEADERS))
    ws.append(LEDGER_HEADERS)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([row[h] for h in LEDGER_HEADERS])
    for col, width in zip("ABCDEFGH", (6, 40, 40, 24, 10, 12, 20, 8), strict=True):
        ws.column_dimensions[col].width = width
    for line in ws.iter_rows(min_row=3):
        for cell in line:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def export_docx(campaign: Campaign, rows: list[dict], *, number: str = "") -> bytes:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    style = doc.styles["Normal"]
    style.font.name = "SimSun"
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    style.font.size = Pt(10.5)
    if number:
        p = doc.add_paragraph(number)
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    head = doc.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = head.add_run(f"{campaign.title}问题整改台账")
    run.bold = True
    run.font.size = Pt(18)
    doc.add_paragraph(f"牵头单位：{campaign.lead_office.name}　报送：{campaign.superior}")
    table = doc.add_table(rows=1, cols=len(LEDGER_HEADERS))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, LEDGER_HEADERS, strict=True):
        cell.text = text
    for row in rows:
        cells = table.add_row().cells
        for cell, h in zip(cells, LEDGER_HEADERS, strict=True):
            cell.text = str(row[h])
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def import_template() -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "导入"
    ws.append(IMPORT_HEADERS)
    ws.append(["", "（示例）窗口办事指南与网上不一致", "单位自查", "统一线上线下指南，每月核对", "行政审批办公室", "",
               "", 10, 0])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# --- import -----------------------------------------------------------------------------------


@transaction.atomic
def import_start(*, actor, campaign_id: int, upload) -> ImportJob:
    """Store the workbook and queue the import; the job's report tells row by row what happened."""
    campaign = get_campaign_for(actor, campaign_id, manage=True)
    if upload is None:
        raise ValidationError({"file": ["请选择要导入的 Excel 文件（.xlsx）。"]})
    att = attachments.store(upload, actor=actor, label="导入文件")
    if att.content_type != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":
        raise ValidationError({"file": ["导入文件须为 Excel（.xlsx）格式，可先下载导入模板。"]})
    job = ImportJob.objects.create(campaign=campaign, attachment=att, created_by=actor)
    audit.record("ledger.import_start", actor=actor, obj=job, changes={"file": att.original_name})
    from ..tasks import run_import

    transaction.on_commit(lambda: run_import.enqueue(job.pk))
    return job


class _RowError(Exception):
    pass


def _read(job: ImportJob) -> list[tuple[int, list]]:
    from openpyxl import load_workbook

    with job.attachment.file.open("rb") as fh:
        wb = load_workbook(io.BytesIO(fh.read()), read_only=True, data_only=True)
    ws = wb.worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    if not rows:
        raise ValidationError("文件是空的。")
    header = [str(c or "").strip() for c in rows[0]][: len(IMPORT_HEADERS)]
    if header != IMPORT_HEADERS:
        raise ValidationError("表头与导入模板不一致，应为：" + "、".join(IMPORT_HEADERS) + "。")
    body = [(i, list(r) + [None] * (len(IMPORT_HEADERS) - len(r))) for i, r in enumerate(rows[1:], start=2)
            if any(c not in (None, "") for c in r)]
    if len(body) > MAX_ROWS:
        raise ValidationError(f"一次最多导入 {MAX_ROWS} 行。")
    return body


def _unit(name: str, campaign: Campaign) -> Organisation:
    name = (name or "").strip()
    root = campaign.lead_office.agency()
    found = [o for o in Organisation.objects.filter(Q_name(name), is_active=True) if o.path.startswith(root.path)]
    if len(found) != 1:
        raise _RowError(f"找不到单位“{name}”（须为{root.name}或其下属单位的名称或机构代码）。" if not found
                        else f"单位“{name}”不唯一，请填写机构代码。")
    return found[0]


def Q_name(name: str):
    from django.db.models import Q

    return Q(name=name) | Q(code=name)


def _apply_row(actor, campaign: Campaign, values: list) -> str:
    from . import listing
    from . import problems as svc

    number, title, source, measures, lead, co, leader, days, progress = [
        str(v).strip() if v is not None else "" for v in values[: len(IMPORT_HEADERS)]]
    if number:
        problem = Problem.objects.filter(campaign=campaign, number=number).first()
        if problem is None:
            raise _RowError(f"编号“{number}”不是本专项整治的问题。")
        created = False
    else:
        if not title:
            raise _RowError("新问题须填写“问题”。")
        kind = SOURCE_BY_LABEL.get(source or "单位自查")
        if kind is None:
            raise _RowError(f"问题来源“{source}”不正确，可填：{'、'.join(SOURCE_BY_LABEL)}。")
        problem = listing.problem_create(actor=actor, campaign_id=campaign.pk, title=title, source_kind=kind,
                                     source_ref="Excel 导入" if kind in ("inspection", "other", "assigned") else "")
        created = True
    if measures or lead or leader:
        if not (measures and lead and leader):
            raise _RowError("交办整改任务须同时填写整改措施、牵头单位和责任领导。")
        unit = _unit(lead, campaign)
        co_ids = [_unit(n, campaign).pk for n in co.replace("，", "、").replace(",", "、").split("、") if n.strip()]
        boss = User.objects.filter(username=leader).first() or User.objects.filter(
            real_name=leader, organisation__path__startswith=campaign.lead_office.agency().path).first()
        if boss is None:
            raise _RowError(f"找不到责任领导“{leader}”（填写用户名或姓名）。")
        problem.refresh_from_db()
        if problem.status in (Status.LISTED, Status.RECTIFYING):
            svc.task_assign(actor=actor, problem_id=problem.pk, measures=measures, lead_unit_id=unit.pk,
                            leader_id=boss.pk, limit_days=days or None, co_unit_ids=co_ids)
    if progress:
        try:
            pct = int(float(progress))
        except ValueError:
            raise _RowError(f"进展“{progress}”应为 0-100 的数字。") from None
        problem.refresh_from_db()
        if problem.status != Status.RECTIFYING:
            raise _RowError("只有整改中的问题可以更新进展（请先交办整改任务）。")
        if pct != problem.progress:
            svc.task_progress(actor=actor, problem_id=problem.pk, progress=pct, note="Excel 导入更新")
    return "created" if created else "updated"


def import_run(job_id: int) -> str:
    """Run an import: every row goes through the same services as the pages; one bad row and the
    whole import is rolled back, the report naming each row's outcome."""
    job = ImportJob.objects.select_related("campaign__lead_office", "created_by", "attachment").get(pk=job_id)
    if job.status != ImportJob.Status.QUEUED:
        return job.status  # delivered twice: already done
    actor = job.created_by
    report: list[dict] = []
    counts = {"created": 0, "updated": 0}
    try:
        with transaction.atomic():
            if not (has_perm(actor, "ledger.manage") and leads(actor, job.campaign)):
                raise deny(actor, "ledger.manage", job.campaign)
            for line, values in _read(job):
                try:
                    with transaction.atomic():
                        outcome = _apply_row(actor, job.campaign, values)
                except _RowError as exc:
                    report.append({"row": line, "ok": False, "message": str(exc)})
                except ValidationError as exc:
                    report.append({"row": line, "ok": False, "message": errors_text(exc)})
                except PermissionDenied as exc:
                    report.append({"row": line, "ok": False, "message": str(exc)})
                except (Conflict, Http404) as exc:
                    report.append({"row": line, "ok": False, "message": getattr(exc, "message", str(exc))})
                else:
                    counts[outcome] += 1
                    report.append({"row": line, "ok": True, "message": "新增" if outcome == "created" else "已更新"})
            if any(not r["ok"] for r in report):
                raise _RowError("rollback")
    except _RowError:
        for r in report:
            if r["ok"]:
                r["message"] += "（因其他行有误，未写入）"
        job.status, job.created_count, job.updated_count = ImportJob.Status.FAILED, 0, 0
    except ValidationError as exc:
        report = [{"row": 1, "ok": False, "message": errors_text(exc)}]
        job.status = ImportJob.Status.FAILED
    except PermissionDenied:
        report = [{"row": 0, "ok": False, "message": "您无权向本专项整治导入，未写入任何数据。"}]
        job.status = ImportJob.Status.FAILED
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError):  # a broken workbook ends as a failed job
        report = [{"row": 0, "ok": False, "message": "文件无法读取，请使用导入模板另存为 .xlsx 后重试。"}]
        job.status = ImportJob.Status.FAILED
    else:
        job.status = ImportJob.Status.DONE
        job.created_count, job.updated_count = counts["created"], counts["updated"]
    job.report = report
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "report", "created_count", "updated_count", "finished_at"])
    audit.record("ledger.import_run", actor=actor, obj=job, changes={"status": job.status, **counts})
    return job.status


def campaign_export(*, actor, campaign_id: int, fmt: str) -> tuple[bytes, str, str]:
    campaign = get_campaign_for(actor, campaign_id)
    from ..permissions import problems_for

    rows = ledger_rows(problems_for(actor).filter(campaign=campaign))
    name = f"{campaign.code}-整改台账"
    if fmt == "xlsx":
        return export_xlsx(campaign, rows), f"{name}.xlsx", \
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    if fmt == "docx":
        return export_docx(campaign, rows), f"{name}.docx", \
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    raise ValidationError({"format": ["导出格式为 xlsx 或 docx。"]})
