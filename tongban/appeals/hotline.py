"""Import of 12345 hotline tickets, by API (JSON records) or CSV upload.

All or nothing: every row is checked first, and one bad row imports nothing and says which row
and why. A ticket already imported (same source and ticket number) is skipped, so re-sending a
file or a batch is harmless.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from tongban.core.permissions import deny, has_perm

from . import services
from .models import Appeal, Channel, Kind

SOURCE = "12345"
MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024

# CSV header (Chinese, as the 12345 platform exports it) -> field
COLUMNS = {
    "工单编号": "ticket", "诉求类型": "kind", "标题": "title", "诉求内容": "content", "来电人": "name",
    "联系电话": "phone", "所属区划": "division_code", "地址": "address", "分类": "category",
    "同意公开身份": "disclose_identity",
}
REQUIRED = ("工单编号", "诉求类型", "诉求内容")
KIND_NAMES = {str(label): value for value, label in Kind.choices} | {v: v for v in Kind.values}
KIND_NAMES |= {"意见建议": Kind.SUGGESTION, "举报投诉": Kind.COMPLAINT, "咨询求助": Kind.CONSULTATION}


@dataclass
class ImportResult:
    created: list[Appeal] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def _record(raw: Mapping, row_label: str) -> tuple[str, dict]:
    ticket = str(raw.get("ticket") or "").strip()
    if not ticket:
        raise ValidationError(f"{row_label}：缺少工单编号。")
    if len(ticket) > 64:
        raise ValidationError(f"{row_label}：工单编号过长。")
    kind = KIND_NAMES.get(str(raw.get("kind") or "").strip())
    if kind is None:
        raise ValidationError(f"{row_label}：诉求类型“{raw.get('kind', '')}”无法识别，应为投诉、咨询、建议、求助或表扬。")
    data = {k: str(v).strip() for k, v in raw.items() if v is not None and k != "ticket"}
    data["kind"] = kind
    return ticket, data


def parse_csv(upload) -> list[dict]:
    if upload.size > MAX_BYTES:
        raise ValidationError("文件超过 5 MB，请分批导入。")
    raw = upload.read()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValidationError("无法识别文件编码，请以 UTF-8 或 GBK 编码的 CSV 导出。")
    reader = csv.DictReader(io.StringIO(text))
    headers = [h.strip() for h in (reader.fieldnames or [])]
    missing = [h for h in REQUIRED if h not in headers]
    if missing:
        raise ValidationError(f"缺少列：{'、'.join(missing)}。首行应为表头，如：{'，'.join(COLUMNS)}。")
    rows = []
    for row in reader:
        rows.append({COLUMNS[k.strip()]: v for k, v in row.items() if k and k.strip() in COLUMNS})
        if len(rows) > MAX_ROWS:
            raise ValidationError(f"一次最多导入 {MAX_ROWS} 条。")
    if not rows:
        raise ValidationError("文件中没有工单。")
    return rows


@transaction.atomic
def import_tickets(*, actor, records: Iterable[Mapping], source: str = SOURCE) -> ImportResult:
    if not has_perm(actor, "appeals.import"):
        raise deny(actor, "appeals.import")
    prepared, problems, seen = [], [], set()
    for n, raw in enumerate(records, start=1):
        label = f"第 {n} 条"
        try:
            ticket, data = _record(raw, label)
        except ValidationError as exc:
            problems.extend(exc.messages)
            continue
        if ticket in seen:
            problems.append(f"{label}：工单编号 {ticket} 在本批中重复。")
            continue
        seen.add(ticket)
        prepared.append((label, ticket, data))
    if problems:
        raise ValidationError(problems)
    result = ImportResult()
    existing = set(Appeal.objects.filter(external_source=source, external_id__in=seen).values_list("external_id", flat=True))
    for label, ticket, data in prepared:
        if ticket in existing:
            result.skipped.append(ticket)
            continue
        try:
            with transaction.atomic():
                result.created.append(services.appeal_submit(actor=actor, data=data, channel=Channel.HOTLINE,
                                                             external=(source, ticket)))
        except ValidationError as exc:
            messages = exc.messages if not hasattr(exc, "error_dict") else [
                m for msgs in exc.message_dict.values() for m in msgs]
            problems.append(f"{label}（工单 {ticket}）：{'；'.join(messages)}")
    if problems:
        # Roll back what this batch created: all or nothing.
        raise ValidationError(problems)
    return result
