"""The administrative division table (行政区划, GB/T 2260): provinces, cities and counties by code,
their children, and the chain from a county up to its province.

The table is data, read once from data/divisions.tsv, which scripts/generate_divisions.py makes
from a pinned PyPI package. Divisions change by State Council approval every year or two; a new
file follows them without a code change.

"Depth" is the place in the tree as a person picks it: 1 a province, 2 what lies directly under
it (a city, or a district of 北京 or a county-level city such as 济源市 that no city governs),
3 what lies under a city. The complaint form's three selects are the three depths.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.translation import gettext as _

DATA = Path(__file__).resolve().parent / "data" / "divisions.tsv"

# The form fields of the three selects, by depth.
SLOTS = ("division_province", "division_city", "division_county")


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    level: str  # province, city (地级) or county (县级), as in GB/T 2260
    parent_code: str  # "" for a province


@cache
def _table() -> tuple[dict[str, Division], dict[str, list[Division]]]:
    by_code: dict[str, Division] = {}
    by_parent: dict[str, list[Division]] = {}
    for line in DATA.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        code, name, level, parent = line.split("\t")
        division = Division(code, name, level, parent)
        by_code[code] = division
        by_parent.setdefault(parent, []).append(division)
    return by_code, by_parent


def get(code: str | None) -> Division | None:
    return _table()[0].get((code or "").strip())


def children(code: str | None = "") -> list[Division]:
    """The divisions directly under `code`, in code order; the provinces for an empty code."""
    return list(_table()[1].get((code or "").strip(), []))


def chain(code: str | None) -> list[Division]:
    """The division and the ones above it, deepest first: 410105 → 金水区, 郑州市, 河南省.
    Empty for an unknown code."""
    out: list[Division] = []
    node = get(code)
    while node is not None:
        out.append(node)
        node = get(node.parent_code) if node.parent_code else None
    return out


def depth(code: str | None) -> int:
    return len(chain(code))


def full_name(code: str | None) -> str:
    """河南省郑州市金水区; a direct-controlled municipality is named once (北京市东城区)."""
    return "".join(d.name for d in reversed(chain(code)))


def picked(data: Mapping) -> tuple[Division | None, str]:
    """The place a requester chose: the deepest of the three selects, or one `division_code`
    (API, hotline, window). Returns (division or None, a Chinese error or "")."""
    given = {slot: str(data.get(slot) or "").strip() for slot in SLOTS}
    code = str(data.get("division_code") or "").strip()
    for value in (*given.values(), code):
        if value and not (value.isdigit() and len(value) == 6):
            return None, _("行政区划代码应为 6 位数字。")
        if value and get(value) is None:
            return None, _("所选行政区划（代码 %(code)s）不存在，请从列表中选择所在地。") % {"code": value}
    deepest = next((given[s] for s in reversed(SLOTS) if given[s]), "")
    if not deepest:
        return get(code), ""
    if code and code != deepest:
        return None, _("所填行政区划代码与所选地点不一致，请重新选择所在地。")
    above = {d.code: n for n, d in enumerate(reversed(chain(deepest)), start=1)}
    for n, slot in enumerate(SLOTS, start=1):
        if given[slot] and above.get(given[slot]) != n:
            return None, _("所选的省、市、区县不一致：%(place)s 不在 %(area)s 之内，请重新选择所在地。") % {
                "place": full_name(deepest), "area": full_name(given[slot])}
    return get(deepest), ""


def picker(values: Mapping, *, first_province: str = "") -> list[dict]:
    """The three selects with their options and choices. Only a consistent chain is kept: after
    the province changes, the city and county chosen under the old one are dropped. Nothing is
    chosen for the requester (a place they did not pick must not route their appeal), but
    `first_province`, the platform's own, heads the list."""
    selects, parent = [], ""
    for n, slot in enumerate(SLOTS, start=1):
        options = children(parent) if n == 1 or parent else []
        if n == 1 and first_province:
            options.sort(key=lambda o: o.code != first_province)
        value = str(values.get(slot) or "").strip()
        if value not in {o.code for o in options}:
            value = ""
        if n == 1:
            placeholder = _("请选择省份")
        elif not parent:
            placeholder = _("请先选择上一级")
        elif not options:
            placeholder = _("无下级区划")
        elif all(o.level == "county" for o in options):
            placeholder = _("请选择区县")
        else:
            placeholder = _("请选择城市")
        label = (_("省份"), _("城市"), _("区县"))[n - 1]
        selects.append({"name": slot, "id": "f-" + slot.removeprefix("division_"), "label": label,
                        "options": options, "value": value, "placeholder": placeholder})
        parent = value
    return selects
