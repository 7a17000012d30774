"""Exporting the catalog as JSON or as an Excel workbook that can be edited and imported."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from typing import Any

from openpyxl.utils import get_column_letter

from ..models import ApplicantType, ItemKind, ItemVersion, Material, OnlineDepth, ServiceItem
from ._common import JSON_FORMAT
from .columns import ELEMENT_KEYS, FEE_COLUMNS, MATERIAL_COLUMNS, SHEETS, STAGE_COLUMNS


def exported_version(item: ServiceItem) -> ItemVersion | None:
    """The current published version, or for an item never published, its draft."""
    if item.current_version_id:
        return item.current_version
    return item.versions.order_by("-number").first()


def export_records(items) -> list[dict]:
    out = []
    for item in items:
        version = exported_version(item)
        if version is None:
            continue
        row: dict[str, Any] = {
            "implementation_code": item.implementation_code,
            "base_code": item.base_code,
            "organisation_code": item.organisation.code,
            "is_standard": item.is_standard,
        }
        for key in ELEMENT_KEYS:
            row[key] = getattr(version, key)
        row["version"] = version.number
        row["status"] = version.status
        row["materials"] = [
            {k: getattr(m, k) for k, _h, _p in MATERIAL_COLUMNS[2:]}
            for m in version.materials.all()
        ]
        row["stages"] = [
            {k: getattr(s, k) for k, _h, _p in STAGE_COLUMNS[2:]} for s in version.stages.all()
        ]
        row["fees"] = [
            {k: getattr(f, k) for k, _h, _p in FEE_COLUMNS[2:]} for f in version.fees.all()
        ]
        out.append(row)
    return out


def to_json(records: list[dict]) -> bytes:
    doc = {"format": JSON_FORMAT, "version": 1, "items": records}
    return json.dumps(doc, ensure_ascii=False, indent=2, default=str).encode("utf-8")


def _cell(key: str, value: Any) -> Any:
    labels = {
        "kind": dict(ItemKind.choices),
        "applicant_type": dict(ApplicantType.choices),
        "online_depth": dict(OnlineDepth.choices),
        "form": dict(Material.Form.choices),
    }
    if key in labels:
        return str(labels[key].get(value, value))
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return float(value)
    return value


def to_xlsx(records: list[dict]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="EEF2F7")
    for sheet, columns, child in SHEETS:
        ws = wb.create_sheet(sheet)
        ws.append([header for _k, header, _p in columns])
        for cell in ws[1]:
            cell.font, cell.fill = bold, fill
        for record in records:
            if child is None:
                ws.append([_cell(k, record[k]) for k, _h, _p in columns])
                continue
            for n, row in enumerate(record[child], 1):
                values = {"implementation_code": record["implementation_code"], "order": n, **row}
                ws.append([_cell(k, values[k]) for k, _h, _p in columns])
        for n, (_k, header, _p) in enumerate(columns, 1):
            ws.column_dimensions[get_column_letter(n)].width = max(10, min(40, len(header) * 2 + 4))
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.freeze_panes = "A2"
    notes = wb.create_sheet("填表说明")
    for line in [
        "本工作簿可直接修改后导入：各表以“实施编码”关联。",
        "事项类型：" + "、".join(str(label) for _v, label in ItemKind.choices),
        "服务对象：" + "、".join(str(label) for _v, label in ApplicantType.choices),
        "网办深度：填 1 至 4 或完整名称；材料形式："
        + "、".join(str(label) for _v, label in Material.Form.choices),
        "是/否 列填“是”或“否”；时限均为工作日；承诺办结时限不能超过法定办结时限。",
        "非必须材料必须写明提交条件；“不收费”为“否”时须在“收费项目”表列出收费项目及依据。",
        "导入为“全有或全无”：文件中任何一处错误都会使整个文件不被导入，并逐条列出行列位置。",
    ]:
        notes.append([line])
    notes.column_dimensions["A"].width = 100
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
