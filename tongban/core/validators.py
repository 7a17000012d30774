"""Validators for China's identity numbers, with their check digits.

- 统一社会信用代码 (USCC), GB 32100-2015: 18 characters; position 1 registration authority,
  2 entity type, 3-8 administrative division, 9-17 the organisation code of GB 11714 (8 body
  characters + its own check character), 18 the USCC check character (mod 31).
- 公民身份号码, GB 11643-1999: 6-digit division, 8-digit birth date, 3-digit sequence,
  ISO 7064 MOD 11-2 check character (0-9 or X).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# GB 32100-2015 alphabet: digits and upper-case letters without I, O, Z, S, V.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_VALUES = {c: i for i, c in enumerate(USCC_ALPHABET)}
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

# GB 11714-1997 organisation code: 8 body characters (digits or A-Z), weights, mod 11.
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
ORG_BODY_VALUES = {**{str(d): d for d in range(10)}, **{chr(65 + i): 10 + i for i in range(26)}}

REGISTRATION_AUTHORITIES = set("123456789AGNY")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_VALUES[c] * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def org_code_check_char(body8: str) -> str:
    total = sum(ORG_BODY_VALUES[c] * w for c, w in zip(body8, ORG_WEIGHTS, strict=True))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def validate_uscc(code: str) -> str:
    """Return the normalised USCC or raise ValidationError with a Chinese message."""
    if not isinstance(code, str):
        raise ValidationError(_("统一社会信用代码必须是文本。"), code="uscc_type")
    value = code.strip().upper().replace(" ", "")
    if len(value) != 18:
        raise ValidationError(
            _("统一社会信用代码应为 18 位，现为 %(n)d 位。") % {"n": len(value)},
            code="uscc_length",
        )
    bad = [c for c in value if c not in USCC_VALUES]
    if bad:
        raise ValidationError(
            _("统一社会信用代码含有不允许的字符“%(c)s”（不使用 I、O、Z、S、V）。") % {"c": bad[0]},
            code="uscc_charset",
        )
    if value[0] not in REGISTRATION_AUTHORITIES:
        raise ValidationError(
            _("统一社会信用代码第 1 位（登记管理部门码）无效。"), code="uscc_authority"
        )
    if not value[2:8].isdigit():
        raise ValidationError(
            _("统一社会信用代码第 3-8 位应为行政区划数字码。"), code="uscc_division"
        )
    body, org_check = value[8:16], value[16]
    if any(c not in ORG_BODY_VALUES for c in body) or org_code_check_char(body) != org_check:
        raise ValidationError(
            _("统一社会信用代码第 9-17 位（组织机构代码）校验不通过。"), code="uscc_org_check"
        )
    if uscc_check_char(value[:17]) != value[17]:
        raise ValidationError(_("统一社会信用代码校验位不正确，请核对。"), code="uscc_check")
    return value


def id_check_char(first17: str) -> str:
    total = sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11]


def validate_citizen_id(number: str, *, today: dt.date | None = None) -> str:
    """Return the normalised 18-digit 公民身份号码 or raise ValidationError."""
    if not isinstance(number, str):
        raise ValidationError(_("身份证号必须是文本。"), code="id_type")
    value = number.strip().upper().replace(" ", "")
    if len(value) != 18:
        raise ValidationError(
            _("身份证号应为 18 位，现为 %(n)d 位。") % {"n": len(value)}, code="id_length"
        )
    if not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        raise ValidationError(
            _("身份证号前 17 位须为数字，最后一位为数字或 X。"), code="id_charset"
        )
    if value[:2] in {"00"} or value[:6] == "000000":
        raise ValidationError(_("身份证号的行政区划码无效。"), code="id_division")
    try:
        birth = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise ValidationError(_("身份证号中的出生日期不存在。"), code="id_birth") from None
    today = today or dt.date.today()
    if birth > today or birth.year < 1900:
        raise ValidationError(_("身份证号中的出生日期不合理。"), code="id_birth_range")
    if id_check_char(value[:17]) != value[17]:
        raise ValidationError(_("身份证号校验位不正确，请核对。"), code="id_check")
    return value


def make_uscc(authority: str, entity: str, division: str, org_body: str) -> str:
    """Build a valid USCC from its parts (demo data and test factories)."""
    org = org_body + org_code_check_char(org_body)
    first17 = authority + entity + division + org
    return first17 + uscc_check_char(first17)


def make_citizen_id(division: str, birth: dt.date, sequence: int) -> str:
    first17 = f"{division}{birth:%Y%m%d}{sequence:03d}"
    return first17 + id_check_char(first17)
