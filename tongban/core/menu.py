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


_built: dict[tuple, list[dict]] = {}


def menu_for(user) -> list[dict]:
    """The menu for the user's permissions, built once per permission set and language (in this
    process): every staff page shows it, and building it is a reverse() and a gettext per entry."""
    from django.utils.translation import get_language

    from .permissions import permissions_of

    if not getattr(user, "is_authenticated", False):
        return []
    key = (bool(user.is_superuser), frozenset(permissions_of(user)), get_language(), len(_entries))
    menu = _built.get(key)
    if menu is None:
        menu = _built[key] = _build(user)
    return menu


def _build(user) -> list[dict]:
    sections: dict[str, dict] = {}
    for entry in sorted(_entries, key=lambda e: e.order):
        if not has_perm(user, entry.perm):
            continue
        key = str(entry.section)
        sections.setdefault(key, {"title": key, "items": []})["items"].append(
            {
                "title": str(entry.title),
                "view": entry.view,
                "url": reverse(entry.view),
                "icon": entry.icon,
            }
        )
    return list(sections.values())
