from decimal import Decimal

from django import template

from ..rules.explain import fmt_fixed

register = template.Library()


@register.filter
def yuan(fen) -> str:
    """Fen as yuan with separators, exactly: 123456 → "1,234.56"."""
    if fen is None or fen == "":
        return "—"
    return f"{Decimal(int(fen)) / 100:,.2f}"


@register.filter
def m2(cm2) -> str:
    if cm2 is None:
        return "—"
    return fmt_fixed("area", int(cm2))
