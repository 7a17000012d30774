"""Reading an Excel workbook or a JSON file into records; every problem is collected and
reported with its place."""

from __future__ import annotations

import io
import json
from typing import Any

from ._common import (
    JSON_FORMAT,
    MAX_ROWS,
    MAX_UPLOAD_BYTES,
    CellError,
    ImportRejected,
    Record,
    Where,
)
from .columns import ITEM_COLUMNS, SHEETS


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
