"""Names of the administrative divisions (GB/T 2260) that demo data and forms use.

Unknown codes are shown as the code itself: rules stay valid for any six-digit code.
"""

REGIONS: dict[str, str] = {
    "410000": "河南省",
    "410100": "郑州市",
    "410102": "郑州市中原区",
    "410103": "郑州市二七区",
    "410104": "郑州市管城回族区",
    "410105": "郑州市金水区",
    "410122": "郑州市中牟县",
    "410181": "巩义市",
    "410300": "洛阳市",
    "410302": "洛阳市老城区",
    "410303": "洛阳市西工区",
    "410305": "洛阳市涧西区",
    "410311": "洛阳市洛龙区",
    "410322": "洛阳市孟津区",
    "410700": "新乡市",
    "410702": "新乡市红旗区",
    "411000": "许昌市",
    "411002": "许昌市魏都区",
    "340000": "安徽省",
    "340100": "合肥市",
    "340104": "合肥市蜀山区",
    "340111": "合肥市包河区",
}


def region_label(code: str) -> str:
    name = REGIONS.get(code)
    return f"{name}（{code}）" if name else code


def region_choices() -> list[tuple[str, str]]:
    return [(code, f"{name}（{code}）") for code, name in REGIONS.items()]
