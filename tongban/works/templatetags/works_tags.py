from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def m2(cm2) -> str:
    """An area kept in 0.01 m² as people read it: 199999 → 1,999.99."""
    if cm2 in (None, ""):
        return "—"
    return f"{Decimal(int(cm2)) / 100:,.2f}"
