"""Showing personal data in full is an audited act: pages show masked values, and a reader who
needs the full value asks for it (`?reveal=1`), which writes `pii.read` to the audit trail."""

from __future__ import annotations

from . import audit


def reveal(request, obj, fields: list[str]) -> bool:
    """True when this request asked to see `fields` of `obj` in full; records who read what."""
    if request.GET.get("reveal") != "1":
        return False
    audit.record("pii.read", actor=request.user, obj=obj, changes={"fields": fields})
    return True
