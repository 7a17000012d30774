"""Explaining a condition tree for one enterprise: every condition, the enterprise's value,
pass or fail, in a sentence ("您的建设项目总建筑面积为 2,350 m²，超过 2,000 m²…").

This is a second, plain-Python evaluation of the same semantics as `vector.py`; a property
test holds the two to agreement on random trees and profiles.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from .spec import FIELDS, OP_LABELS, SCALE, years_before


@dataclass
class Step:
    passed: bool
    text: str  # the condition in words
    sentence: str = ""  # for a leaf: the enterprise's value and the verdict
    kind: str = "leaf"  # leaf, all, any, not
    children: list[Step] = field(default_factory=list)

    def failed_leaves(self) -> list[Step]:
        if self.kind == "leaf":
            return [] if self.passed else [self]
        if self.kind == "not":
            return [] if self.passed else [self]
        out: list[Step] = []
        for child in self.children:
            out += child.failed_leaves()
        return out

    def as_dict(self) -> dict:
        out = {"passed": self.passed, "text": self.text, "kind": self.kind}
        if self.sentence:
            out["sentence"] = self.sentence
        if self.children:
            out["children"] = [c.as_dict() for c in self.children]
        return out


# --- formatting ---------------------------------------------------------------------------------


def fmt_decimal(value: Decimal) -> str:
    """2350 → "2,350"; 1999.99 → "1,999.99"; 2000.10 → "2,000.1"."""
    text = f"{value:,.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def fmt_fixed(kind: str, units: int) -> str:
    spec_unit = {"money": " 元", "area": " m²", "int": " 人"}[kind]
    return fmt_decimal(Decimal(units) / SCALE[kind]) + spec_unit


def fmt_written(name: str, value) -> str:
    """A condition's written value, formatted for people."""
    spec = FIELDS[name]
    if isinstance(value, list):
        return "、".join(fmt_written(name, v) for v in value)
    if spec.kind in SCALE:
        return fmt_fixed(spec.kind, int(Decimal(str(value)) * SCALE[spec.kind]))
    if spec.kind == "choice":
        return spec.choice_label(value)
    if spec.kind == "region":
        return region_name(value)
    return str(value)


def region_name(code) -> str:
    from .regions import region_label

    return region_label(str(code))


def describe(leaf: dict) -> str:
    """The condition in words: "建设项目总建筑面积小于 2,000 m²"."""
    name, op, value = leaf["field"], leaf["op"], leaf["value"]
    label = FIELDS[name].label
    if op == "between":
        return f"{label}介于 {fmt_written(name, value[0])} 至 {fmt_written(name, value[1])}（含）"
    if op in ("years_at_least", "years_less_than"):
        return f"{OP_LABELS[op]} {value} 年"
    if op == "prefix":
        return f"{label}属于 {value} 开头的门类/大类"
    return f"{label}{OP_LABELS[op]} {fmt_written(name, value)}"


# --- evaluation -------------------------------------------------------------------------------


def explain(tree: dict, record: dict, *, today: dt.date, tag_bits: dict[str, int]) -> Step:
    if "field" in tree:
        return _leaf(tree, record, today, tag_bits)
    if "not" in tree:
        inner = explain(tree["not"], record, today=today, tag_bits=tag_bits)
        text = f"并非{inner.text}"
        if inner.kind == "leaf":
            # One line, not a double negative: the enterprise's value, then the negated verdict.
            value_part = inner.sentence.rsplit("，", 1)[0]
            if "未登记" in inner.sentence:
                value_part = inner.sentence.split("，")[0]
            return Step(not inner.passed, text, f"{value_part}，{_verdict(not inner.passed, text)}")
        return Step(not inner.passed, text, kind="not", children=[inner])
    ((kind, nodes),) = tree.items()
    children = [explain(n, record, today=today, tag_bits=tag_bits) for n in nodes]
    passed = all(c.passed for c in children) if kind == "all" else any(c.passed for c in children)
    text = "同时满足以下全部条件" if kind == "all" else "满足以下任一条件"
    return Step(passed, text, kind=kind, children=children)


def _relation(actual: int, target: int) -> str:
    return "超过" if actual > target else ("低于" if actual < target else "等于")


def _leaf(leaf: dict, record: dict, today: dt.date, tag_bits: dict[str, int]) -> Step:
    name, op, value = leaf["field"], leaf["op"], leaf["value"]
    spec = FIELDS[name]
    actual = record.get(name)
    text = describe(leaf)
    if spec.kind == "tags":
        bits = actual or 0
        names = value if isinstance(value, list) else [value]
        held = [t for t in names if t in tag_bits and bits >> tag_bits[t] & 1]
        if op in ("has", "has_any"):
            passed = bool(held)
        elif op == "has_all":
            passed = len(held) == len([t for t in names if t in tag_bits])
        else:
            passed = not held
        mine = "、".join(held) if held else "无"
        return Step(
            passed, text, f"您具有的相关标签：{mine}，{'符合' if passed else '不符合'}“{text}”。"
        )
    if actual is None or actual == "":
        return Step(False, text, f"平台未登记您的{spec.label}，无法判断，视为不符合“{text}”。")
    if spec.kind in SCALE:
        shown = fmt_fixed(spec.kind, actual)
        if op == "between":
            lo, hi = (int(Decimal(str(v)) * SCALE[spec.kind]) for v in value)
            passed = lo <= actual <= hi
            where = "在此范围内" if passed else ("低于下限" if actual < lo else "超过上限")
            return Step(
                passed, text, f"您的{spec.label}为 {shown}，{where}，{_verdict(passed, text)}"
            )
        target = int(Decimal(str(value)) * SCALE[spec.kind])
        passed = _cmp(actual, op, target)
        rel = _relation(actual, target)
        return Step(
            passed,
            text,
            f"您的{spec.label}为 {shown}，{rel} {fmt_fixed(spec.kind, target)}，{_verdict(passed, text)}",
        )
    if spec.kind == "date":
        shown = actual.isoformat()
        if op in ("years_at_least", "years_less_than"):
            cutoff = years_before(today, int(value))
            passed = actual <= cutoff if op == "years_at_least" else actual > cutoff
            how = "已满" if actual <= cutoff else "未满"
            return Step(
                passed,
                text,
                f"您的{spec.label}为 {shown}，截至 {today.isoformat()} {how} {value} 年，{_verdict(passed, text)}",
            )
        if op == "between":
            lo, hi = (dt.date.fromisoformat(v) for v in value)
            passed = lo <= actual <= hi
        else:
            day = dt.date.fromisoformat(value)
            passed = actual < day if op == "before" else actual > day
        return Step(passed, text, f"您的{spec.label}为 {shown}，{_verdict(passed, text)}")
    if spec.kind == "region":
        code = int(actual)
        if op == "within":
            from .vector import region_span

            lo, hi = region_span(int(value))
            passed = lo <= code <= hi
        elif op in ("in", "not_in"):
            passed = (str(actual) in value) == (op == "in")
        else:
            passed = (str(actual) == value) == (op == "eq")
        return Step(
            passed, text, f"您的{spec.label}为 {region_name(actual)}，{_verdict(passed, text)}"
        )
    # code and choice
    if op in ("lt", "lte", "gt", "gte"):
        from .vector import choice_ordinal

        passed = _cmp(choice_ordinal(name, actual), op, choice_ordinal(name, value))
    elif op == "prefix":
        passed = actual.startswith(value)
    elif op in ("in", "not_in"):
        passed = (actual in value) == (op == "in")
    else:
        passed = (actual == value) == (op == "eq")
    shown = spec.choice_label(actual) if spec.kind == "choice" else actual
    return Step(passed, text, f"您的{spec.label}为 {shown}，{_verdict(passed, text)}")


def _verdict(passed: bool, text: str) -> str:
    return f"符合“{text}”。" if passed else f"不符合“{text}”。"


def _cmp(a: int, op: str, b: int) -> bool:
    return {
        "eq": a == b,
        "ne": a != b,
        "lt": a < b,
        "lte": a <= b,
        "gt": a > b,
        "gte": a >= b,
    }[op]


def summary(step: Step) -> str:
    if step.passed:
        return "您符合该政策的全部适用条件。"
    failed = step.failed_leaves()
    reasons = "；".join((s.sentence or s.text).rstrip("。") for s in failed[:5])
    return f"您暂不符合该政策：{reasons}。"
