"""The staff navigation, built from entries that modules register with a permission each.

It lives in core so that modules register entries without importing the workspace shell,
which only reads it (`menu_for`)."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise

from .permissions import has_perm


@dataclass(frozen=True)
class MenuEntry:
    section: str | Promise
    title: str | Promise
    view: str
    icon: str
    perm: str
    order: int = 100


_entries: list[MenuEntry] = []


def register(entry: MenuEntry) -> None:
    if all(e.view != entry.view for e in _entries):
        _entries.append(entry)


def menu_for(user) -> list[dict]:
    sections: dict[str, dict] = {}
    for entry in sorted(_entries, key=lambda e: e.order):
        if not has_perm(user, entry.perm):
            continue
        key = str(entry.section)
        sections.setdefault(key, {"title": entry.section, "items": []})["items"].append(
            {
                "title": entry.title,
                "view": entry.view,
                "url": reverse(entry.view),
                "icon": entry.icon,
            }
        )
    return list(sections.values())
