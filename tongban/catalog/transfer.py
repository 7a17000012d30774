"""Import and export of the catalog as Excel (.xlsx) and JSON.

Counties keep their item lists in Excel, so the workbook is the primary format: four sheets
(事项, 申请材料, 办理环节, 收费项目) joined by 实施编码. JSON carries the same records nested.
An import is all or nothing: every problem in the file is reported with its sheet, row and
column (or JSON path) in Chinese, and nothing is written unless the whole file is valid.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from openpyxl.utils import get_column_letter

from tongban.accounts.models import Organisation
from tongban.core import audit
from tongban.core.errors import Conflict
from tongban.core.permissions import in_scope, require

from . import services
from .models import ApplicantType, ItemKind, ItemVersion, Material, OnlineDepth, ServiceItem
from .permissions import MANAGE

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
JSON_FORMAT = "tongban-catalog"


class ImportRejected(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("；".join(errors))
        self.errors = errors


class CellError(Exception):
    pass


# --- cell parsers ------------------------------------------------------------------------


def _text(max_length: int, required: bool = False) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        text = "" if value is None else str(value).strip()
        if isinstance(value, float) and value.is_integer():
            text = str(int(value))
        if required and not text:
            raise CellError("不能为空。")
        if len(text) > max_length:
            raise CellError(f"不能超过 {max_length} 个字符（现为 {len(text)} 个）。")
        return text

    return parse


def _int(lo: int, hi: int, default: int | None = None) -> Callable[[Any], int]:
    def parse(value: Any) -> int:
        if value is None or (isinstance(value, str) and not value.strip()):
            if default is not None:
                return default
            raise CellError("不能为空。")
        if isinstance(value, bool):
            raise CellError(f"应为 {lo} 至 {hi} 之间的整数。")
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise CellError(f"“{value}”不是整数，应为 {lo} 至 {hi} 之间的整数。") from None
        if number != number.to_integral_value() or not lo <= number <= hi:
            raise CellError(f"“{value}”应为 {lo} 至 {hi} 之间的整数。")
        return int(number)

    return parse


_TRUE = {"是", "true", "1", "yes", "y", "√"}
_FALSE = {"否", "false", "0", "no", "n", ""}


def _bool(default: bool) -> Callable[[Any], bool]:
    def parse(value: Any) -> bool:
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return default if text == "" else False
        raise CellError(f"“{value}”应填“是”或“否”。")

    return parse


def _choice(choices, default=None) -> Callable[[Any], Any]:
    by_label = {str(label): value for value, label in choices.choices}
    by_value = {str(value): value for value in choices.values}

    def parse(value: Any) -> Any:
        text = "" if value is None else str(value).strip()
        if isinstance(value, float) and value.is_integer():
            text = str(int(value))
        if not text and default is not None:
            return default
        if text in by_value:
            return by_value[text]
        if text in by_label:
            return by_label[text]
        # "三级" for "三级：网上预审"
        starts = [v for label, v in by_label.items() if text and label.startswith(text)]
        if len(starts) == 1:
            return starts[0]
        raise CellError(f"“{text}”不是可选值，应为：{'、'.join(by_label)}。")

    return parse


def _decimal(value: Any) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise CellError(f"“{value}”不是金额。") from None
    if amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise CellError(f"“{value}”应为不小于 0、最多两位小数的金额。")
    return amount


# (key, header, parser, display-for-export)
ITEM_COLUMNS: list[tuple[str, str, Callable]] = [
    ("implementation_code", "实施编码", _text(64, True)),
    ("base_code", "基本编码", _text(64, True)),
    ("organisation_code", "实施机构代码", _text(32, True)),
    ("is_standard", "标准事项", _bool(False)),
    ("name", "事项名称", _text(200, True)),
    ("kind", "事项类型", _choice(ItemKind)),
    ("topic", "主题分类", _text(40)),
    ("applicant_type", "服务对象", _choice(ApplicantType, ApplicantType.BOTH)),
    ("legal_basis", "设定依据", _text(5000, True)),
    ("conditions", "受理条件", _text(5000, True)),
    ("legal_limit_days", "法定办结时限（工作日）", _int(0, 365)),
    ("promised_limit_days", "承诺办结时限（工作日）", _int(0, 365)),
    ("acceptance_limit_days", "受理时限（工作日）", _int(0, 5, default=5)),
    ("is_free", "不收费", _bool(True)),
    ("visits", "到现场次数", _int(0, 10, default=0)),
    ("online_depth", "网办深度", _choice(OnlineDepth, OnlineDepth.PREVIEW)),
    ("place", "办理地点", _text(200)),
    ("hours", "办理时间", _text(200)),
    ("consult_phone", "咨询电话", _text(40)),
    ("complaint_phone", "投诉电话", _text(40)),
    ("result_name", "审批结果名称", _text(200)),
    ("change_note", "修订说明", _text(300)),
]
MATERIAL_COLUMNS = [
    ("implementation_code", "实施编码", _text(64, True)),
    ("order", "序号", _int(1, 999)),
    ("name", "材料名称", _text(200, True)),
    ("form", "材料形式", _choice(Material.Form)),
    ("copies", "份数", _int(1, 20, default=1)),
    ("required", "必须提交", _bool(True)),
    ("condition", "提交条件", _text(300)),
    ("source", "材料来源", _text(100)),
    ("provides_from", "可免提交来源", _text(100)),
    ("notes", "填报说明", _text(300)),
]
STAGE_COLUMNS = [
    ("implementation_code", "实施编码", _text(64, True)),
    ("order", "序号", _int(1, 999)),
    ("name", "环节名称", _text(60, True)),
    ("limit_days", "环节时限（工作日）", _int(0, 365)),
    ("description", "环节说明", _text(300)),
]
FEE_COLUMNS = [
    ("implementation_code", "实施编码", _text(64, True)),
    ("order", "序号", _int(1, 999)),
    ("name", "收费项目", _text(100, True)),
    ("standard", "收费标准", _text(300, True)),
    ("amount", "金额（元）", _decimal),
    ("basis", "收费依据", _text(300, True)),
]
SHEETS = [
    ("事项", ITEM_COLUMNS, None),
    ("申请材料", MATERIAL_COLUMNS, "materials"),
    ("办理环节", STAGE_COLUMNS, "stages"),
    ("收费项目", FEE_COLUMNS, "fees"),
]
HEADER = {child: {key: header for key, header, _ in columns} for _sheet, columns, child in SHEETS}


@dataclass
class Where:
    """Where a record or child row came from, to point errors at it."""

    sheet: str | None = None
    row: int | None = None
    columns: dict[str, int] = field(default_factory=dict)  # key -> column number
    path: str | None = None  # JSON path

    def at(self, key: str | None, header: str | None) -> str:
        if self.path is not None:
            return f"{self.path}" + (f".{key}" if key else "") + (f"（{header}）" if header else "")
        where = f"工作表“{self.sheet}”第 {self.row} 行"
        if key and key in self.columns:
            where += f" {get_column_letter(self.columns[key])} 列（{header}）"
        elif header:
            where += f"（{header}）"
        return where


@dataclass
class Record:
    where: Where
    data: dict[str, Any]
    materials: list[tuple[Where, dict]] = field(default_factory=list)
    stages: list[tuple[Where, dict]] = field(default_factory=list)
    fees: list[tuple[Where, dict]] = field(default_factory=list)


def _parse_row(columns, raw: dict[str, Any], where: Where, errors: list[str]) -> dict | None:
    out: dict[str, Any] = {}
    ok = True
    for key, header, parse in columns:
        try:
            out[key] = parse(raw.get(key))
        except CellError as exc:
            errors.append(f"{where.at(key, header)}：{exc}")
            ok = False
    return out if ok else None


# --- reading -----------------------------------------------------------------------------


def _rows_of_sheet(ws, columns, sheet: str, errors: list[str]):
    rows = ws.iter_rows(values_only=True)
    header_row = next(rows, None) or ()
    positions: dict[str, int] = {}
    headers = {str(h).strip(): n for n, h in enumerate(header_row, 1) if h is not None}
    for key, header, _ in columns:
        if header in headers:
            positions[key] = headers[header]
        else:
            errors.append(f"工作表“{sheet}”缺少列“{header}”（第 1 行为表头）。")
    if len(positions) != len(columns):
        return
    for n, values in enumerate(rows, 2):
        if values is None or all(
            v is None or (isinstance(v, str) and not v.strip()) for v in values
        ):
            continue
        if n > MAX_ROWS + 1:
            errors.append(f"工作表“{sheet}”超过 {MAX_ROWS} 行，请分批导入。")
            return
        raw = {
            key: values[pos - 1] if pos - 1 < len(values) else None
            for key, pos in positions.items()
        }
        yield Where(sheet=sheet, row=n, columns=positions), raw


def read_xlsx(data: bytes) -> list[Record]:
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    if len(data) > MAX_UPLOAD_BYTES:
        raise ImportRejected([f"文件超过 {MAX_UPLOAD_BYTES // 1024 // 1024} MB 的上限。"])
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (BadZipFile, KeyError, ValueError, OSError):
        raise ImportRejected(["文件不是有效的 Excel（.xlsx）工作簿。"]) from None
    errors: list[str] = []
    if "事项" not in wb.sheetnames:
        raise ImportRejected(["工作簿中没有名为“事项”的工作表。"])
    records: dict[str, Record] = {}
    invalid: set[str] = set()  # codes of item rows with errors: their child rows are not orphans
    for where, raw in _rows_of_sheet(wb["事项"], ITEM_COLUMNS, "事项", errors):
        parsed = _parse_row(ITEM_COLUMNS, raw, where, errors)
        if parsed is None:
            code = str(raw.get("implementation_code") or "").strip()
            invalid.add(code)
            continue
        code = parsed["implementation_code"]
        if code in records:
            errors.append(
                f"{where.at('implementation_code', '实施编码')}：实施编码“{code}”与第 "
                f"{records[code].where.row} 行重复。"
            )
            continue
        records[code] = Record(where=where, data=parsed)
    for sheet, columns, child in SHEETS[1:]:
        if sheet not in wb.sheetnames:
            continue  # an item list may have no fees, even no materials sheet yet
        rows: list[tuple[int, int, Where, dict, str]] = []
        for where, raw in _rows_of_sheet(wb[sheet], columns, sheet, errors):
            parsed = _parse_row(columns, raw, where, errors)
            if parsed is None:
                continue
            code = parsed.pop("implementation_code")
            if code in invalid:
                continue
            if code not in records:
                errors.append(
                    f"{where.at('implementation_code', '实施编码')}：“事项”表中没有实施编码“{code}”。"
                )
                continue
            rows.append((parsed.pop("order"), where.row or 0, where, parsed, code))
        for _order, _row, where, parsed, code in sorted(rows, key=lambda r: (r[4], r[0], r[1])):
            getattr(records[code], child).append((where, parsed))
    wb.close()
    if errors:
        raise ImportRejected(errors)
    return list(records.values())


def read_json(data: bytes) -> list[Record]:
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImportRejected([f"文件超过 {MAX_UPLOAD_BYTES // 1024 // 1024} MB 的上限。"])
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ImportRejected(["文件不是 UTF-8 编码的 JSON。"]) from None
    except json.JSONDecodeError as exc:
        raise ImportRejected(
            [f"JSON 格式错误：第 {exc.lineno} 行第 {exc.colno} 列附近。"]
        ) from None
    if not isinstance(doc, dict) or doc.get("format") != JSON_FORMAT:
        raise ImportRejected([f'不是通办事项目录文件：缺少 "format": "{JSON_FORMAT}"。'])
    items = doc.get("items")
    if not isinstance(items, list):
        raise ImportRejected(['"items" 应为事项列表。'])
    if len(items) > MAX_ROWS:
        raise ImportRejected([f"事项超过 {MAX_ROWS} 个，请分批导入。"])
    errors: list[str] = []
    records: dict[str, Record] = {}
    for i, raw in enumerate(items):
        where = Where(path=f"items[{i}]")
        if not isinstance(raw, dict):
            errors.append(f"{where.at(None, None)}：应为对象。")
            continue
        parsed = _parse_row(ITEM_COLUMNS, raw, where, errors)
        children: dict[str, list] = {"materials": [], "stages": [], "fees": []}
        for _sheet, columns, child in SHEETS[1:]:
            rows = raw.get(child) or []
            if not isinstance(rows, list):
                errors.append(f"{where.at(child, None)}：应为列表。")
                continue
            for j, row in enumerate(rows):
                cwhere = Where(path=f"items[{i}].{child}[{j}]")
                if not isinstance(row, dict):
                    errors.append(f"{cwhere.at(None, None)}：应为对象。")
                    continue
                row = {**row, "implementation_code": raw.get("implementation_code"), "order": j + 1}
                cparsed = _parse_row(columns, row, cwhere, errors)
                if cparsed is not None:
                    cparsed.pop("implementation_code")
                    cparsed.pop("order")
                    children[child].append((cwhere, cparsed))
        if parsed is None:
            continue
        code = parsed["implementation_code"]
        if code in records:
            errors.append(f"{where.at('implementation_code', '实施编码')}：实施编码“{code}”重复。")
            continue
        records[code] = Record(where=where, data=parsed, **children)
    if errors:
        raise ImportRejected(errors)
    return list(records.values())


# --- importing ---------------------------------------------------------------------------


ELEMENT_KEYS = [k for k, _h, _p in ITEM_COLUMNS if k in services.ELEMENTS]


def _locate(record: Record, exc: ValidationError) -> list[str]:
    """Point each service error at the sheet/row/column (or JSON path) it came from."""
    out = []
    items_header = HEADER[None]
    messages = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    for key, msgs in messages.items():
        parts = key.split(".")
        if parts[0] in ("materials", "stages", "fees") and len(parts) >= 2:
            rows = getattr(record, parts[0])
            index = int(parts[1])
            if index < len(rows):
                where = rows[index][0]
                fkey = parts[2] if len(parts) > 2 else None
                header = HEADER[parts[0]].get(fkey) if fkey else None
                out += [f"{where.at(fkey, header)}：{m}" for m in msgs]
                continue
        if parts[0] in ("materials", "stages", "fees"):
            header = {"materials": "申请材料", "stages": "办理环节", "fees": "收费项目"}[parts[0]]
            out += [f"{record.where.at(None, None)}（{header}）：{m}" for m in msgs]
            continue
        key = {"organisation": "organisation_code", "__all__": None}.get(key, key)
        header = items_header.get(key) if key else None
        out += [f"{record.where.at(key, header)}：{m}" for m in msgs]
    return out


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    published: int = 0


def _carry_files(draft: ItemVersion, materials: list[dict]) -> list[dict]:
    """Templates and samples are not in the file: keep those of same-named materials."""
    files = {m.name: (m.template.name, m.sample.name) for m in draft.materials.all()}
    return [
        {
            **row,
            "template": files.get(row["name"], ("", ""))[0],
            "sample": files.get(row["name"], ("", ""))[1],
        }
        for row in materials
    ]


def _import_one(actor, record: Record, orgs: dict[str, Organisation], publish: bool, result):
    data = record.data
    code = data["implementation_code"]
    org = orgs.get(data["organisation_code"])
    if org is None:
        raise ValidationError(
            {"organisation_code": f"机构代码“{data['organisation_code']}”不存在。"}
        )
    if actor is not None and not in_scope(actor, org):
        raise ValidationError({"organisation_code": f"机构“{org.name}”不在您的管辖范围内。"})
    elements = {k: data[k] for k in ELEMENT_KEYS}
    materials = [row for _w, row in record.materials]
    stages = [row for _w, row in record.stages]
    fees = [row for _w, row in record.fees]
    item = (
        ServiceItem.objects.filter(implementation_code=code).select_related("organisation").first()
    )
    if item is None:
        item = services.item_create(
            actor=actor,
            organisation=org,
            base_code=data["base_code"],
            implementation_code=code,
            is_standard=data["is_standard"],
            elements=elements,
            materials=materials,
            stages=stages,
            fees=fees,
        )
        draft = item.versions.get()
        result.created += 1
    else:
        if actor is not None and not in_scope(actor, item.organisation):
            raise ValidationError(
                {"implementation_code": f"实施编码“{code}”属于不在您管辖范围内的机构。"}
            )
        if item.organisation_id != org.pk:
            raise ValidationError(
                {
                    "organisation_code": f"实施编码“{code}”已属于“{item.organisation.name}”，不能改为其他机构。"
                }
            )
        if item.base_code != data["base_code"]:
            raise ValidationError(
                {"base_code": f"实施编码“{code}”的基本编码是“{item.base_code}”，不能修改。"}
            )
        if item.is_standard != data["is_standard"]:
            services.item_set_standard(actor=actor, item=item, standard=data["is_standard"])
        draft = services.draft_start(actor=actor, item=item)
        services.draft_save(
            actor=actor,
            version=draft,
            elements=elements,
            materials=_carry_files(draft, materials),
            stages=stages,
            fees=fees,
        )
        result.updated += 1
    if publish:
        services.item_publish(version=draft, actor=actor)
        result.published += 1


def catalog_import(*, actor, records: list[Record], publish: bool, source: str) -> ImportResult:
    """Write every record as a draft (and publish it if asked), or nothing at all."""
    if actor is not None:
        require(actor, MANAGE)
    if not records:
        raise ImportRejected(["文件中没有事项。"])
    orgs = {
        o.code: o
        for o in Organisation.objects.filter(
            code__in={r.data["organisation_code"] for r in records}
        )
    }
    result = ImportResult()
    errors: list[str] = []
    try:
        with transaction.atomic():
            for record in records:
                try:
                    with transaction.atomic():
                        _import_one(actor, record, orgs, publish, result)
                except ValidationError as exc:
                    errors += _locate(record, exc)
                except (Conflict, PermissionDenied) as exc:
                    errors.append(f"{record.where.at(None, None)}：{exc}")
            if errors:
                raise ImportRejected(errors)
            audit.record(
                "catalog.import",
                actor=actor,
                object_type="catalog.serviceitem",
                object_repr=source[:200],
                changes={
                    "created": result.created,
                    "updated": result.updated,
                    "published": result.published,
                },
            )
    except ImportRejected:
        raise
    return result


# --- exporting ---------------------------------------------------------------------------


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
