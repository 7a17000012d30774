"""PII masking: show only what a reader needs to recognise the value."""


def mask_middle(value: str | None, keep_start: int, keep_end: int, char: str = "*") -> str:
    if not value:
        return ""
    value = str(value)
    if len(value) <= keep_start + keep_end:
        return char * len(value)
    return value[:keep_start] + char * (len(value) - keep_start - keep_end) + value[-keep_end:]


def mask_citizen_id(value: str | None) -> str:
    """4101**********123X: division prefix and the last four (sequence + check)."""
    return mask_middle(value, 4, 4)


def mask_phone(value: str | None) -> str:
    """138****5678."""
    return mask_middle(value, 3, 4)


def mask_name(value: str | None) -> str:
    """张*明 / 王*: keep the family name (and the last character of long names)."""
    if not value:
        return ""
    if len(value) <= 2:
        return value[0] + "*" * (len(value) - 1)
    return value[0] + "*" * (len(value) - 2) + value[-1]


def mask_uscc(value: str | None) -> str:
    # A USCC is public for enterprises; masked only where an individual trader's code may
    # reveal a person. Kept for symmetry: first 8 and last 2.
    return mask_middle(value, 8, 2)
