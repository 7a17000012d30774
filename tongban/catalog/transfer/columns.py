"""The columns of each sheet (and keys of each JSON record) with the parser of their cells."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from ..models import ApplicantType, ItemKind, Material, OnlineDepth
from ..services import ELEMENTS
from ._common import CellError

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

ELEMENT_KEYS = [k for k, _h, _p in ITEM_COLUMNS if k in ELEMENTS]
