import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from tongban.core.masking import mask_citizen_id, mask_name, mask_phone
from tongban.core.validators import (
    ID_CHECK,
    USCC_ALPHABET,
    make_citizen_id,
    make_uscc,
    validate_citizen_id,
    validate_uscc,
)

# Real, published codes: the check digits were computed by the issuing authorities.
KNOWN_USCC = ["91350100M000100Y43", "91110000600037341L", "911100001000044477"]
KNOWN_ORG_AUTH = "19"


def test_known_published_usccs_pass():
    for code in KNOWN_USCC:
        assert validate_uscc(code) == code


def test_uscc_is_normalised_to_upper_case_without_spaces():
    assert validate_uscc(" 91350100m000100y43 ") == "91350100M000100Y43"


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("9135010", "应为 18 位"),
        ("91350100M000100YI3", "不允许的字符"),
        ("B1350100M000100Y43", "登记管理部门码"),
        ("9135A100M000100Y43", "行政区划"),
        ("91350100M000100Y44", "校验位"),
        ("91350100M000101Y43", "组织机构代码"),
    ],
)
def test_bad_uscc_gets_a_chinese_message(code, message):
    with pytest.raises(ValidationError) as exc:
        validate_uscc(code)
    assert message in exc.value.messages[0]


uscc_parts = st.tuples(
    st.sampled_from(sorted("123456789AGNY")),
    st.sampled_from("1239"),
    st.from_regex(r"\A[1-6][0-9]{5}\Z"),
    st.text(alphabet=USCC_ALPHABET, min_size=8, max_size=8),
)


@given(uscc_parts)
def test_every_generated_uscc_passes(parts):
    code = make_uscc(*parts)
    assert validate_uscc(code) == code


@given(uscc_parts, st.integers(min_value=0, max_value=17), st.sampled_from(USCC_ALPHABET))
def test_every_single_character_change_of_a_uscc_fails(parts, position, replacement):
    code = make_uscc(*parts)
    if code[position] == replacement:
        replacement = USCC_ALPHABET[(USCC_ALPHABET.index(replacement) + 1) % len(USCC_ALPHABET)]
    changed = code[:position] + replacement + code[position + 1 :]
    with pytest.raises(ValidationError):
        validate_uscc(changed)


def test_known_citizen_id_passes():
    # GB 11643-1999 worked example.
    assert validate_citizen_id("11010519491231002x") == "11010519491231002X"


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("41010219900101", "应为 18 位"),
        ("4101021990010100AX", "前 17 位须为数字"),
        ("410102199002300011", "出生日期不存在"),
        ("410102209901010011", "不合理"),
        ("110105194912310020", "校验位"),
    ],
)
def test_bad_citizen_id_gets_a_chinese_message(number, message):
    with pytest.raises(ValidationError) as exc:
        validate_citizen_id(number, today=dt.date(2026, 11, 24))
    assert message in exc.value.messages[0]


id_parts = st.tuples(
    st.from_regex(r"\A[1-6][1-9][0-9]{4}\Z"),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2026, 1, 1)),
    st.integers(min_value=0, max_value=999),
)


@given(id_parts)
def test_every_generated_citizen_id_passes(parts):
    number = make_citizen_id(*parts)
    assert validate_citizen_id(number, today=dt.date(2026, 11, 24)) == number


@given(id_parts, st.integers(min_value=0, max_value=17), st.sampled_from("0123456789X"))
def test_every_single_character_change_of_a_citizen_id_fails(parts, position, replacement):
    number = make_citizen_id(*parts)
    if number[position] == replacement:
        replacement = ID_CHECK[(ID_CHECK.index(replacement) + 1) % len(ID_CHECK)]
    changed = number[:position] + replacement + number[position + 1 :]
    with pytest.raises(ValidationError):
        validate_citizen_id(changed, today=dt.date(2026, 11, 24))


def test_masking_hides_the_middle():
    assert mask_citizen_id("41010219900101123X") == "4101**********123X"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_name("张明") == "张*"
    assert mask_name("欧阳明华") == "欧**华"
    assert mask_citizen_id("") == ""
