"""Bulk import of enterprise profiles from CSV or Excel (one sheet, a header row).

Rows are read lazily and written in chunks, so a million rows take minutes, not memory. Each bad
row is reported with its line number and the reason. The operator chooses what happens then:
"all or nothing" checks every row first and writes only if none is bad; "valid only" writes the
good rows and reports the rest. Progress is stored on the job for the page's progress bar.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tongban.accounts.models import Enterprise
from tongban.core import audit
from tongban.core.permissions import require
from tongban.core.validators import make_uscc, validate_uscc

from .models import (
    BuildingUse,
    ConstructionProject,
    CreditGrade,
    EnterpriseProfile,
    ImportJob,
    PolicyTag,
    SizeClass,
)
from .permissions import MANAGE
from .profiles import check_profile, m2_to_cm2, yuan_to_fen

CHUNK = 2_000
MAX_REPORTED = 1_000
MAX_BYTES = 300 * 1024 * 1024

# header (Chinese as in the template, or the English key) → key
HEADERS = {
    "统一社会信用代码": "uscc",
    "企业名称": "name",
    "所在行政区划": "region_code",
    "行业代码": "industry_code",
    "企业规模": "size_class",
    "注册资本（元）": "registered_capital",
    "上年营业收入（元）": "annual_revenue",
    "从业人数": "employees",
    "成立日期": "founded_on",
    "信用等级": "credit_grade",
    "标签": "tags",
    "项目名称": "project_name",
    "项目用途": "project_use",
    "项目总建筑面积（m²）": "project_area",
    "项目所在地": "project_region",
    "项目开工日期": "project_started_on",
}
TEMPLATE_HEADERS = list(HEADERS)
SIZE_BY_LABEL = {str(label): value for value, label in SizeClass.choices} | {
    v: v for v in SizeClass.values
}
USE_BY_LABEL = {str(label): value for value, label in BuildingUse.choices} | {
    v: v for v in BuildingUse.values
}
USE_BY_LABEL |= {
    "物流仓储": BuildingUse.WAREHOUSE,
    "商业": BuildingUse.COMMERCIAL,
    "办公": BuildingUse.COMMERCIAL,
}


def import_dir() -> Path:
    configured = getattr(settings, "TONGBAN_POLICY_IMPORT_DIR", None)
    path = Path(configured) if configured else Path(settings.VAR_DIR) / "policy_imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _rows(path: Path) -> Iterator[tuple[int, dict]]:
    """(line number as the operator sees it, {key: text}) for every data row."""
    if path.suffix == ".xlsx":
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True, data_only=True)
        ws = wb.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        header = next(rows, None) or ()
        keys = [
            HEADERS.get(str(h).strip(), str(h).strip()) if h is not None else "" for h in header
        ]
        for n, row in enumerate(rows, 2):
            if row is None or all(v is None or str(v).strip() == "" for v in row):
                continue
            yield n, {k: _cell(v) for k, v in zip(keys, row, strict=False) if k}
        wb.close()
        return
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("gb18030")  # files saved by Excel on Chinese Windows
    reader = csv.reader(io.StringIO(text))
    header = next(reader, [])
    keys = [HEADERS.get(h.strip(), h.strip()) for h in header]
    for n, row in enumerate(reader, 2):
        if not any(cell.strip() for cell in row):
            continue
        yield n, {k: cell.strip() for k, cell in zip(keys, row, strict=False)}


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_row(raw: dict, tags: dict[str, int]) -> dict:
    """One row → storage values, or ValidationError with every problem of the row."""
    problems: list[str] = []

    def field(fn, key, label):
        try:
            return fn(raw.get(key, ""), label)
        except ValidationError as exc:
            problems.extend(exc.messages)
            return None

    out: dict = {}
    uscc = raw.get("uscc", "").upper()
    try:
        out["uscc"] = validate_uscc(uscc)
    except ValidationError as exc:
        problems.append(f"统一社会信用代码“{uscc}”：{'；'.join(exc.messages)}")
    out["name"] = raw.get("name", "").strip()
    if not out["name"]:
        problems.append("企业名称不能为空")
    out["region_code"] = raw.get("region_code", "") or (uscc[2:8] if len(uscc) == 18 else "")
    out["industry_code"] = raw.get("industry_code", "").upper()
    size = raw.get("size_class", "")
    out["size_class"] = SIZE_BY_LABEL.get(size, "") if size else ""
    if size and not out["size_class"]:
        problems.append(f"企业规模“{size}”应为 微型、小型、中型、大型 之一")
    grade = raw.get("credit_grade", "").upper()
    out["credit_grade"] = grade if grade in CreditGrade.values else ""
    if grade and not out["credit_grade"]:
        problems.append(f"信用等级“{grade}”应为 A、B、C、D 之一")
    out["registered_capital_fen"] = field(yuan_to_fen, "registered_capital", "注册资本")
    out["annual_revenue_fen"] = field(yuan_to_fen, "annual_revenue", "上年营业收入")
    out["employees"] = field(_int, "employees", "从业人数")
    out["founded_on"] = field(_date, "founded_on", "成立日期")
    names = [
        t.strip()
        for t in raw.get("tags", "")
        .replace("；", ";")
        .replace("，", ";")
        .replace(",", ";")
        .split(";")
        if t.strip()
    ]
    unknown = [t for t in names if t not in tags]
    if unknown:
        problems.append(f"标签“{'、'.join(unknown)}”不存在")
    out["tag_bits"] = sum(1 << tags[t] for t in set(names) if t in tags)
    project = {
        k: raw.get(k, "") for k in ("project_name", "project_use", "project_area", "project_region")
    }
    if any(project.values()):
        use = USE_BY_LABEL.get(project["project_use"])
        if not project["project_name"]:
            problems.append("填写了项目信息但缺少项目名称")
        if use is None:
            problems.append(f"项目用途“{project['project_use']}”无法识别")
        area = field(m2_to_cm2, "project_area", "项目总建筑面积")
        if area is None and not project["project_area"]:
            problems.append("填写了项目信息但缺少项目总建筑面积")
        region = project["project_region"] or out["region_code"]
        out["project"] = {
            "name": project["project_name"],
            "use": use,
            "total_floor_area_cm2": area,
            "region_code": region,
            "started_on": field(_date, "project_started_on", "项目开工日期"),
        }
    try:
        check_profile(out)
    except ValidationError as exc:
        problems.extend(m for msgs in exc.message_dict.values() for m in msgs)
    if problems:
        raise ValidationError(problems)
    return out


def _int(text, label):
    if not text:
        return None
    if not text.isdigit():
        raise ValidationError(f"{label}“{text}”应为整数")
    return int(text)


def _date(text, label):
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text.replace("/", "-"))
    except ValueError:
        raise ValidationError(f"{label}“{text}”应为日期，如 2020-05-01") from None


@transaction.atomic
def import_start(*, actor, upload, mode: str) -> ImportJob:
    require(actor, MANAGE)
    name = getattr(upload, "name", "upload")
    suffix = Path(name).suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ValidationError("请上传 CSV 或 Excel（.xlsx）文件。")
    if mode not in ImportJob.Mode.values:
        raise ValidationError("请选择遇到错误行时的处理方式。")
    if upload.size > MAX_BYTES:
        raise ValidationError(f"文件过大，上限 {MAX_BYTES // 1024 // 1024} MB。")
    path = import_dir() / f"{uuid.uuid4().hex}{suffix}"
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    if suffix == ".xlsx" and path.read_bytes()[:2] != b"PK":
        path.unlink()
        raise ValidationError("文件内容不是有效的 Excel（.xlsx）文件。")
    job = ImportJob.objects.create(
        file_path=str(path), file_name=name[:200], mode=mode, created_by=actor
    )
    audit.record("policy.import_start", actor=actor, obj=job, changes={"file": name, "mode": mode})
    from .tasks import run_import

    job_id = job.pk
    transaction.on_commit(lambda: run_import.enqueue(job_id))
    return job


def _progress(job: ImportJob, **fields) -> None:
    ImportJob.objects.filter(pk=job.pk).update(**fields)


def import_run(job_id: int) -> ImportJob:
    """Run a pending job (a second call finds it no longer pending and does nothing)."""
    if not ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.PENDING).update(
        status=ImportJob.Status.RUNNING
    ):
        return ImportJob.objects.get(pk=job_id)
    job = ImportJob.objects.get(pk=job_id)
    path = Path(job.file_path)
    tags = dict(PolicyTag.objects.values_list("name", "bit"))
    try:
        total = sum(1 for _ in _rows(path))
    except Exception as exc:
        _progress(
            job,
            status=ImportJob.Status.FAILED,
            errors=[[0, f"文件无法读取：{exc}"]],
            error_count=1,
            finished_at=timezone.now(),
        )
        path.unlink(missing_ok=True)
        return ImportJob.objects.get(pk=job_id)
    _progress(job, total=total)
    errors: list[list] = []
    error_count = 0
    seen: dict[str, int] = {}
    batch: list[dict] = []
    imported = 0
    check_only = job.mode == ImportJob.Mode.ALL_OR_NOTHING
    processed = 0
    for line, raw in _rows(path):
        processed += 1
        try:
            row = parse_row(raw, tags)
            first = seen.get(row["uscc"])
            if first is not None:
                raise ValidationError(f"统一社会信用代码与第 {first} 行重复")
            seen[row["uscc"]] = line
            if not check_only:
                batch.append(row)
        except ValidationError as exc:
            error_count += 1
            if len(errors) < MAX_REPORTED:
                errors.append([line, "；".join(exc.messages)])
        if len(batch) >= CHUNK:
            imported += _write(batch)
            batch = []
        if processed % CHUNK == 0:
            _progress(job, processed=processed, imported=imported, error_count=error_count)
    if batch:
        imported += _write(batch)
    if check_only and error_count == 0:
        # Every row is good: write them all in one transaction (all or nothing).
        with transaction.atomic():
            batch = []
            for _line, raw in _rows(path):
                batch.append(parse_row(raw, tags))
                if len(batch) >= CHUNK:
                    imported += _write(batch)
                    batch = []
            if batch:
                imported += _write(batch)
    status = ImportJob.Status.FAILED if check_only and error_count else ImportJob.Status.DONE
    _progress(
        job,
        status=status,
        processed=processed,
        imported=imported,
        errors=errors,
        error_count=error_count,
        finished_at=timezone.now(),
    )
    job.refresh_from_db()
    path.unlink(missing_ok=True)  # the rows are in the registry now; keep no second copy of them
    audit.record(
        "policy.import_finish",
        actor=job.created_by,
        obj=job,
        changes={
            "status": status,
            "imported": imported,
            "errors": error_count,
            "total": total,
        },
    )
    return job


@transaction.atomic
def _write(rows: list[dict]) -> int:
    """Upsert enterprises and profiles, add projects; marks every profile for re-matching."""
    usccs = [r["uscc"] for r in rows]
    enterprises = dict(Enterprise.objects.filter(uscc__in=usccs).values_list("uscc", "id"))
    new = [
        Enterprise(uscc=r["uscc"], name=r["name"], division_code=r["region_code"])
        for r in rows
        if r["uscc"] not in enterprises
    ]
    if new:
        Enterprise.objects.bulk_create(new, batch_size=1000)
        enterprises = dict(Enterprise.objects.filter(uscc__in=usccs).values_list("uscc", "id"))
    existing = {
        p.enterprise_id: p
        for p in EnterpriseProfile.objects.filter(enterprise_id__in=enterprises.values())
    }
    fields = [
        "region_code",
        "industry_code",
        "size_class",
        "registered_capital_fen",
        "annual_revenue_fen",
        "employees",
        "founded_on",
        "credit_grade",
        "tag_bits",
    ]
    create, update, projects = [], [], []
    now = timezone.now()
    for r in rows:
        eid = enterprises[r["uscc"]]
        profile = existing.get(eid) or EnterpriseProfile(enterprise_id=eid, source="import")
        for f in fields:
            setattr(
                profile,
                f,
                r[f] if r[f] is not None or f not in ("size_class", "credit_grade") else "",
            )
        project = r.get("project")
        if project:
            profile.project_use = project["use"]
            profile.project_floor_area_cm2 = project["total_floor_area_cm2"]
            profile.project_region = project["region_code"]
            projects.append((eid, project))
        profile.match_dirty = True
        profile.updated_at = now
        (update if profile.pk else create).append(profile)
    if create:
        EnterpriseProfile.objects.bulk_create(create, batch_size=1000)
    if update:
        EnterpriseProfile.objects.bulk_update(
            update,
            [
                *fields,
                "project_use",
                "project_floor_area_cm2",
                "project_region",
                "match_dirty",
                "updated_at",
            ],
            batch_size=1000,
        )
    if projects:
        ids = dict(
            EnterpriseProfile.objects.filter(
                enterprise_id__in=[e for e, _ in projects]
            ).values_list("enterprise_id", "id")
        )
        ConstructionProject.objects.bulk_create(
            [ConstructionProject(profile_id=ids[eid], **p) for eid, p in projects], batch_size=1000
        )
    EnterpriseProfile.objects.filter(enterprise_id__in=list(enterprises.values())).update(
        match_dirty=True
    )
    return len(rows)


def template_csv() -> bytes:
    example = [
        make_uscc("9", "1", "410102", "MA0TEMPL"),
        "示例物流有限公司",
        "410102",
        "G5920",
        "小型",
        "5000000",
        "12000000.50",
        "45",
        "2019-03-01",
        "A",
        "高新技术企业",
        "一号仓库",
        "仓储",
        "1999.99",
        "410102",
        "2025-04-01",
    ]
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(TEMPLATE_HEADERS)
    writer.writerow(example)
    return ("\ufeff" + buf.getvalue()).encode("utf-8")
