"""Court and other-agency credit data (司法及其他部门数据) imported from CSV or Excel: every row is
checked first; one bad row and nothing is written, with each bad row reported by its line."""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.core.exceptions import ValidationError
from django.db import transaction

from tongban.core import audit
from tongban.core.permissions import require
from tongban.core.validators import validate_citizen_id, validate_uscc

from ..models import CreditRecord, Severity, Source, SubjectKind
from ..permissions import MANAGE
from .records import record_create

HEADERS = {
    "主体类别": "kind", "主体代码": "code", "主体名称": "name", "记录类型": "record_type", "失信程度": "severity",
    "标题": "title", "内容": "content", "依据": "basis", "决定文书号": "decision_number", "决定日期": "decided_on",
    "数据来源单位": "source_unit",
}
TEMPLATE_HEADERS = list(HEADERS)
KINDS = {"企业": SubjectKind.ENTERPRISE, "法人": SubjectKind.ENTERPRISE, "enterprise": SubjectKind.ENTERPRISE,
         "自然人": SubjectKind.PERSON, "个人": SubjectKind.PERSON, "person": SubjectKind.PERSON}
SEVERITIES = {"": "", "轻微": Severity.MINOR, "一般": Severity.GENERAL, "严重": Severity.SERIOUS,
              "minor": Severity.MINOR, "general": Severity.GENERAL, "serious": Severity.SERIOUS}
MAX_ROWS = 50_000
MAX_ERRORS = 200


class ImportRefused(ValidationError):
    """All-or-nothing: carries the per-row report."""

    def __init__(self, errors: list[tuple[int, str]]):
        super().__init__([f"第 {line} 行：{msg}" for line, msg in errors[:MAX_ERRORS]])
        self.rows = errors


def _read(upload) -> list[list[str]]:
    name = (getattr(upload, "name", "") or "").lower()
    data = upload.read()
    if name.endswith(".xlsx") or data[:2] == b"PK":
        from openpyxl import load_workbook

        try:
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:
            raise ValidationError("无法读取该 Excel 文件，请使用导入模板另存为 .xlsx 后重试。") from None
        return [["" if v is None else (v.isoformat()[:10] if isinstance(v, dt.date) else str(v)) for v in row]
                for row in wb.active.iter_rows(values_only=True)]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise ValidationError("文件编码无法识别，请保存为 UTF-8 编码的 CSV 或 .xlsx。") from None
    return list(csv.reader(io.StringIO(text)))


def _check(row: dict, line: int, seen: set) -> tuple[dict | None, list[tuple[int, str]]]:
    errors = []
    kind = KINDS.get(row.get("kind", "").strip())
    code = row.get("code", "").strip().upper()
    if kind is None:
        errors.append((line, "主体类别应为“企业”或“自然人”。"))
    else:
        try:
            code = validate_uscc(code) if kind == SubjectKind.ENTERPRISE else validate_citizen_id(code)
        except ValidationError as exc:
            errors.append((line, f"主体代码：{exc.messages[0]}"))
    for key, label in (("name", "主体名称"), ("record_type", "记录类型"), ("title", "标题"), ("source_unit", "数据来源单位"),
                       ("decision_number", "决定文书号")):
        if not row.get(key, "").strip():
            errors.append((line, f"缺少{label}。"))
    severity = SEVERITIES.get(row.get("severity", "").strip())
    if severity is None:
        errors.append((line, "失信程度应为 轻微、一般、严重 或留空。"))
    try:
        decided_on = dt.date.fromisoformat(row.get("decided_on", "").strip()[:10])
    except ValueError:
        errors.append((line, "决定日期格式应为 YYYY-MM-DD。"))
        decided_on = None
    key = f"{row.get('source_unit', '').strip()}:{row.get('decision_number', '').strip()}"[:64]
    if key in seen:
        errors.append((line, "与前面的行重复（同一来源单位、同一决定文书号）。"))
    seen.add(key)
    if errors:
        return None, errors
    return {"kind": kind, "code": code, "severity": severity, "decided_on": decided_on, "key": key, **{
        k: row.get(k, "").strip() for k in ("name", "record_type", "title", "content", "basis", "decision_number",
                                            "source_unit")}}, []


@transaction.atomic
def record_import(*, actor, upload) -> int:
    """Import the file; return how many records were made (rows already imported are skipped)."""
    require(actor, MANAGE)
    table = [r for r in _read(upload) if any(str(c).strip() for c in r)]
    if not table:
        raise ValidationError("文件是空的。")
    header = [HEADERS.get(str(h).strip(), "") for h in table[0]]
    missing = [h for h, k in HEADERS.items() if k not in header and k not in ("content", "basis", "severity")]
    if missing:
        raise ValidationError(f"缺少列：{'、'.join(missing)}。请使用导入模板。")
    if len(table) - 1 > MAX_ROWS:
        raise ValidationError(f"单次最多导入 {MAX_ROWS} 行。")
    good, errors, seen = [], [], set()
    for line, cells in enumerate(table[1:], start=2):
        row = {header[i]: str(v) for i, v in enumerate(cells) if i < len(header) and header[i]}
        checked, errs = _check(row, line, seen)
        errors += errs
        if checked:
            good.append(checked)
    if errors:
        raise ImportRefused(errors)
    made = 0
    for r in good:
        if CreditRecord.objects.filter(source=Source.IMPORT, source_ref=r["key"]).exists():
            continue
        record_create(
            source=Source.IMPORT, source_ref=r["key"], subject_kind=r["kind"], subject_code=r["code"],
            subject_name=r["name"], organisation_id=actor.organisation_id, record_type=r["record_type"],
            title=r["title"], content=r["content"], legal_basis=r["basis"], decision_number=r["decision_number"],
            decided_on=r["decided_on"], severity=r["severity"], extra={"source_unit": r["source_unit"]}, actor=actor,
        )
        made += 1
    audit.record("credit.import", actor=actor, changes={"rows": len(good), "made": made})
    return made
