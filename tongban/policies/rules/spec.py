"""The rule language: profile fields, operators, and validation of a condition tree.

A condition tree is JSON data, never code:

    {"all": [node, ...]}   every child holds (an empty list always holds)
    {"any": [node, ...]}   at least one child holds
    {"not": node}          the child does not hold
    {"field": "project_floor_area", "op": "lt", "value": "2000"}   a comparison

Values are written the way people write them (areas in m² and money in yuan as decimal
strings, dates as YYYY-MM-DD) and converted to fixed-point integers (0.01 m², fen, days) for
evaluation, so a boundary is decided exactly. `validate()` rejects an unknown field or
operator, a value of the wrong type, more decimals than the field keeps, and an impossible
range, each with a Chinese message naming the condition.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from ..models import BuildingUse, CreditGrade, SizeClass

MAX_DEPTH = 6
MAX_LEAVES = 60


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str  # region, code, choice, money, area, int, date, tags
    unit: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    ordered: bool = False  # choices listed from lowest to highest

    def choice_label(self, value: str) -> str:
        return dict(self.choices).get(value, value)


def _choices(tc) -> tuple[tuple[str, str], ...]:
    return tuple((v, str(lbl)) for v, lbl in tc.choices)


FIELDS: dict[str, Field] = {
    f.name: f
    for f in [
        Field("region_code", "所在行政区划", "region"),
        Field("industry_code", "行业代码", "code"),
        Field("size_class", "企业规模", "choice", choices=_choices(SizeClass), ordered=True),
        Field("registered_capital", "注册资本", "money", "元"),
        Field("annual_revenue", "上年营业收入", "money", "元"),
        Field("employees", "从业人数", "int", "人"),
        Field("founded_on", "成立日期", "date"),
        # Listed worst to best so that "gte B" means "B or better".
        Field(
            "credit_grade",
            "信用等级",
            "choice",
            choices=tuple(reversed(_choices(CreditGrade))),
            ordered=True,
        ),
        Field("tags", "企业标签", "tags"),
        Field("project_use", "建设项目用途", "choice", choices=_choices(BuildingUse)),
        Field("project_floor_area", "建设项目总建筑面积", "area", "m²"),
        Field("project_region", "建设项目所在地", "region"),
    ]
}

CMP = ["eq", "ne", "lt", "lte", "gt", "gte", "between"]
OPS: dict[str, list[str]] = {
    "region": ["eq", "ne", "in", "not_in", "within"],
    "code": ["eq", "ne", "in", "not_in", "prefix"],
    "choice": ["eq", "ne", "in", "not_in"],
    "money": CMP,
    "area": CMP,
    "int": CMP,
    "date": ["before", "after", "between", "years_at_least", "years_less_than"],
    "tags": ["has", "has_any", "has_all", "has_none"],
}
ORDERED_OPS = ["lt", "lte", "gt", "gte"]

OP_LABELS = {
    "eq": "等于",
    "ne": "不等于",
    "lt": "小于",
    "lte": "不超过",
    "gt": "大于",
    "gte": "不低于",
    "between": "介于",
    "in": "属于",
    "not_in": "不属于",
    "within": "位于",
    "prefix": "属于门类/大类",
    "before": "早于",
    "after": "晚于",
    "years_at_least": "成立满",
    "years_less_than": "成立不满",
    "has": "具有标签",
    "has_any": "具有任一标签",
    "has_all": "同时具有标签",
    "has_none": "不具有标签",
}
LIST_OPS = {"in", "not_in", "has_any", "has_all", "has_none"}

SCALE = {"money": 100, "area": 100, "int": 1}  # fixed-point units per written unit
REGION_RE = re.compile(r"^\d{6}$")
INDUSTRY_RE = re.compile(r"^[A-T](\d{2}(\d{1,2})?)?$")
EPOCH = dt.date(1970, 1, 1)


def ops_for(field: Field) -> list[str]:
    ops = list(OPS[field.kind])
    if field.kind == "choice" and field.ordered:
        ops += ORDERED_OPS
    return ops


def to_fixed(field: Field, raw, where: str) -> int:
    """A written number (yuan, m², persons) → an exact integer in the field's unit."""
    if isinstance(raw, bool) or not isinstance(raw, int | str | Decimal):
        raise ValidationError(f"{where}：{field.label}应填写数字。")
    try:
        number = Decimal(str(raw).replace(",", "").strip())
    except InvalidOperation:
        raise ValidationError(f"{where}：{field.label}“{raw}”不是有效的数字。") from None
    if not number.is_finite():
        raise ValidationError(f"{where}：{field.label}“{raw}”不是有效的数字。")
    scaled = number * SCALE[field.kind]
    if scaled != scaled.to_integral_value():
        places = "整数" if field.kind == "int" else "最多两位小数"
        raise ValidationError(f"{where}：{field.label}应为{places}（收到 {raw}）。")
    if number < 0:
        raise ValidationError(f"{where}：{field.label}不能为负数。")
    return int(scaled)


def to_date(raw, where: str, label: str) -> dt.date:
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw))
    except ValueError:
        raise ValidationError(f"{where}：{label}应为日期（如 2024-01-01），收到“{raw}”。") from None


def to_years(raw, where: str) -> int:
    if isinstance(raw, bool) or not str(raw).strip().isdigit() or not 0 < int(str(raw)) <= 200:
        raise ValidationError(f"{where}：年数应为 1 至 200 之间的整数，收到“{raw}”。")
    return int(str(raw))


def _scalar(field: Field, op: str, raw, where: str, tags: set[str]):
    """Check one written value and return it in canonical written form."""
    kind = field.kind
    if kind == "region":
        if not isinstance(raw, str) or not REGION_RE.match(raw):
            raise ValidationError(f"{where}：{field.label}应为 6 位行政区划代码，收到“{raw}”。")
        return raw
    if kind == "code":
        raw = str(raw).strip().upper()
        if op == "prefix" and not INDUSTRY_RE.match(raw):
            raise ValidationError(f"{where}：行业门类或大类应形如 C 或 C13，收到“{raw}”。")
        if op != "prefix" and not re.match(r"^[A-T]\d{4}$", raw):
            raise ValidationError(
                f"{where}：行业代码应为 GB/T 4754 小类代码（如 G5920），收到“{raw}”。"
            )
        return raw
    if kind == "choice":
        if raw not in dict(field.choices):
            allowed = "、".join(lbl for _, lbl in field.choices)
            raise ValidationError(f"{where}：{field.label}只能是 {allowed}，收到“{raw}”。")
        return raw
    if kind in SCALE:
        fixed = to_fixed(field, raw, where)
        return str(Decimal(fixed) / SCALE[kind]) if kind != "int" else fixed
    if kind == "date":
        if op in ("years_at_least", "years_less_than"):
            return to_years(raw, where)
        return to_date(raw, where, field.label).isoformat()
    if kind == "tags":
        if raw not in tags:
            raise ValidationError(f"{where}：标签“{raw}”不存在，请先在标签管理中添加。")
        return raw
    raise ValidationError(f"{where}：无法识别的字段类型。")  # pragma: no cover - FIELDS is closed


def _leaf(node: dict, where: str, tags: set[str]) -> dict:
    extra = set(node) - {"field", "op", "value"}
    if extra:
        raise ValidationError(f"{where}：不认识的键 {'、'.join(sorted(extra))}。")
    name = node.get("field")
    field = FIELDS.get(name) if isinstance(name, str) else None
    if field is None:
        raise ValidationError(
            f"{where}：不存在的字段“{name}”。可用字段：{'、'.join(f.label for f in FIELDS.values())}。"
        )
    op = node.get("op")
    if op not in ops_for(field):
        allowed = "、".join(OP_LABELS[o] for o in ops_for(field))
        raise ValidationError(f"{where}：{field.label}不能使用运算“{op}”，可用：{allowed}。")
    value = node.get("value")
    if op == "between":
        if not isinstance(value, list | tuple) or len(value) != 2:
            raise ValidationError(f"{where}：“介于”需要下限和上限两个值。")
        lo, hi = (_scalar(field, op, v, where, tags) for v in value)
        if field.kind == "date":
            bad = dt.date.fromisoformat(lo) > dt.date.fromisoformat(hi)
        else:
            bad = Decimal(str(lo)) > Decimal(str(hi))
        if bad:
            raise ValidationError(
                f"{where}：{field.label}的下限 {lo} 大于上限 {hi}，这个范围不可能满足。"
            )
        return {"field": name, "op": op, "value": [lo, hi]}
    if op in LIST_OPS:
        if not isinstance(value, list | tuple) or not value:
            raise ValidationError(f"{where}：“{OP_LABELS[op]}”至少需要一个值。")
        values = [_scalar(field, op, v, where, tags) for v in value]
        return {"field": name, "op": op, "value": sorted(set(values), key=values.index)}
    if isinstance(value, list | tuple):
        raise ValidationError(f"{where}：{field.label}“{OP_LABELS[op]}”只需要一个值。")
    if value is None or value == "":
        raise ValidationError(f"{where}：请填写{field.label}的比较值。")
    return {"field": name, "op": op, "value": _scalar(field, op, value, where, tags)}


def _ranges(children: list[dict], where: str) -> None:
    """Within an `all`, bounds on one field that exclude each other can never hold together."""
    lows: dict[str, list[tuple[Decimal, bool]]] = {}
    highs: dict[str, list[tuple[Decimal, bool]]] = {}
    for child in children:
        if "field" not in child or FIELDS[child["field"]].kind not in SCALE:
            continue
        f, op, v = child["field"], child["op"], child["value"]
        if op in ("gt", "gte", "eq"):
            lows.setdefault(f, []).append((Decimal(str(v)), op == "gt"))
        if op in ("lt", "lte", "eq"):
            highs.setdefault(f, []).append((Decimal(str(v)), op == "lt"))
        if op == "between":
            lows.setdefault(f, []).append((Decimal(str(v[0])), False))
            highs.setdefault(f, []).append((Decimal(str(v[1])), False))
    for f in set(lows) & set(highs):
        lo, lo_strict = max(lows[f])
        hi, hi_strict = min(highs[f], key=lambda t: (t[0], not t[1]))
        if lo > hi or (lo == hi and (lo_strict or hi_strict)):
            label = FIELDS[f].label
            raise ValidationError(
                f"{where}：{label}要求同时不低于 {lo} 且不超过 {hi}，这个范围不可能满足。"
            )


def validate(tree, *, tags: set[str] | None = None) -> dict:
    """Return the canonical form of `tree`, or raise ValidationError (Chinese, naming the spot)."""
    if tags is None:
        from ..models import PolicyTag

        tags = set(PolicyTag.objects.values_list("name", flat=True))
    counter = [0]

    def walk(node, where: str, depth: int) -> dict:
        if depth > MAX_DEPTH:
            raise ValidationError(f"{where}：条件嵌套超过 {MAX_DEPTH} 层。")
        if not isinstance(node, dict):
            raise ValidationError(f"{where}：条件格式不正确。")
        if "field" in node:
            counter[0] += 1
            if counter[0] > MAX_LEAVES:
                raise ValidationError(f"条件数超过 {MAX_LEAVES} 个。")
            return _leaf(node, where, tags)
        if len(node) != 1:
            raise ValidationError(f"{where}：条件组只能是“全部满足”“任一满足”或“不满足”之一。")
        ((key, value),) = node.items()
        if key == "not":
            return {"not": walk(value, f"{where}·不满足", depth + 1)}
        if key not in ("all", "any"):
            raise ValidationError(f"{where}：不认识的条件组“{key}”。")
        if not isinstance(value, list):
            raise ValidationError(f"{where}：条件组应包含一组条件。")
        children = [walk(child, f"{where}·第{i}条", depth + 1) for i, child in enumerate(value, 1)]
        if key == "all":
            _ranges(children, where)
        return {key: children}

    return walk(tree, "条件", 0)


def leaves(tree: dict):
    if "field" in tree:
        yield tree
    elif "not" in tree:
        yield from leaves(tree["not"])
    else:
        for child in next(iter(tree.values())):
            yield from leaves(child)


def years_before(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` earlier (29 Feb → 28 Feb)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def day_number(day: dt.date) -> int:
    return (day - EPOCH).days
