"""双公示 export in the national field set (行政许可 and 行政处罚 信息数据标准, as used by 信用中国
and the local credit platforms) as CSV, JSON and Excel; the same row is what platforms receive.
A natural person's ID number is masked in every export (PII)."""

from __future__ import annotations

import csv
import io
import json

from tongban.core.masking import mask_citizen_id

from .models import CreditRecord, SubjectKind

# (key, Chinese header) — documented in docs/credit.md
LICENCE_FIELDS = [
    ("xk_xdr_mc", "行政相对人名称"),
    ("xk_xdr_lb", "行政相对人类别"),
    ("xk_xdr_shxym", "统一社会信用代码"),
    ("xk_xdr_zjhm", "证件号码"),
    ("xk_xkws", "行政许可决定文书名称"),
    ("xk_wsh", "行政许可决定文书号"),
    ("xk_xklb", "许可类别"),
    ("xk_xkzs", "许可证书名称"),
    ("xk_nr", "许可内容"),
    ("xk_jdrq", "许可决定日期"),
    ("xk_xkjg", "许可机关"),
    ("xk_xkjgdm", "许可机关代码"),
    ("xk_zt", "当前状态"),
    ("xk_lydw", "数据来源单位"),
    ("bz", "备注"),
]
PENALTY_FIELDS = [
    ("cf_xdr_mc", "行政相对人名称"),
    ("cf_xdr_lb", "行政相对人类别"),
    ("cf_xdr_shxym", "统一社会信用代码"),
    ("cf_xdr_zjhm", "证件号码"),
    ("cf_wsh", "行政处罚决定书文号"),
    ("cf_wfxw", "违法行为类型"),
    ("cf_sy", "违法事实"),
    ("cf_yj", "处罚依据"),
    ("cf_cflb", "处罚类别"),
    ("cf_nr_fk", "罚款金额（万元）"),
    ("cf_jdrq", "处罚决定日期"),
    ("cf_gsjzq", "公示截止期"),
    ("cf_xfrq", "可申请修复日期"),
    ("cf_cfjg", "处罚机关"),
    ("cf_cfjgdm", "处罚机关代码"),
    ("cf_zt", "当前状态"),
    ("cf_lydw", "数据来源单位"),
    ("bz", "备注"),
]
PENALTY_KINDS = {"warning": "警告", "fine": "罚款", "confiscation": "没收违法所得、没收非法财物", "suspension":
                 "暂扣许可证件、降低资质等级", "revocation": "吊销许可证件", "not_punished": "不予处罚"}
KIND_LABELS = {SubjectKind.ENTERPRISE: "法人及非法人组织", SubjectKind.PERSON: "自然人", SubjectKind.GOVERNMENT: "机关"}


def _d(day) -> str:
    return day.isoformat() if day else ""


def record_row(record: CreditRecord) -> dict:
    person = record.subject_kind == SubjectKind.PERSON
    org = record.organisation
    common = {
        "mc": record.subject_display if person else record.subject_name,
        "lb": KIND_LABELS.get(record.subject_kind, ""),
        "shxym": "" if person else record.subject_code,
        "zjhm": mask_citizen_id(record.subject_code) if person else "",
    }
    if record.source == "licence":
        return {"xk_xdr_mc": common["mc"], "xk_xdr_lb": common["lb"], "xk_xdr_shxym": common["shxym"],
                "xk_xdr_zjhm": common["zjhm"], "xk_xkws": "准予行政许可决定书", "xk_wsh": record.decision_number,
                "xk_xklb": "普通", "xk_xkzs": record.extra.get("licence_name", ""), "xk_nr": record.content,
                "xk_jdrq": _d(record.decided_on), "xk_xkjg": org.name, "xk_xkjgdm": org.code,
                "xk_zt": record.get_status_display(), "xk_lydw": org.name, "bz": record.number}
    return {"cf_xdr_mc": common["mc"], "cf_xdr_lb": common["lb"], "cf_xdr_shxym": common["shxym"],
            "cf_xdr_zjhm": common["zjhm"], "cf_wsh": record.decision_number, "cf_wfxw": record.title,
            "cf_sy": record.content, "cf_yj": record.legal_basis,
            "cf_cflb": PENALTY_KINDS.get(record.penalty_kind, record.penalty_kind),
            "cf_nr_fk": f"{record.fine_fen / 1_000_000:.6f}".rstrip("0").rstrip(".") if record.fine_fen else "0",
            "cf_jdrq": _d(record.decided_on), "cf_gsjzq": _d(record.takedown_on), "cf_xfrq": _d(record.repair_from),
            "cf_cfjg": org.name, "cf_cfjgdm": org.code, "cf_zt": record.get_status_display(), "cf_lydw": org.name,
            "bz": record.number}


def fields_for(kind: str) -> list[tuple[str, str]]:
    return LICENCE_FIELDS if kind == "licence" else PENALTY_FIELDS


def rows(records, kind: str) -> list[dict]:
    return [record_row(r) for r in records.filter(source=kind).select_related("organisation")]


def to_csv(data: list[dict], kind: str) -> bytes:
    buf = io.StringIO()
    fields = fields_for(kind)
    writer = csv.writer(buf)
    writer.writerow([label for _, label in fields])
    for row in data:
        writer.writerow([row.get(k, "") for k, _ in fields])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")  # BOM: Excel opens Chinese CSV correctly


def to_json(data: list[dict], kind: str) -> bytes:
    return json.dumps({"kind": kind, "fields": dict(fields_for(kind)), "rows": data}, ensure_ascii=False).encode()


def to_xlsx(data: list[dict], kind: str) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "行政许可" if kind == "licence" else "行政处罚"
    fields = fields_for(kind)
    ws.append([label for _, label in fields])
    for row in data:
        ws.append([row.get(k, "") for k, _ in fields])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
