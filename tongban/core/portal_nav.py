"""The public site's navigation, built from links that modules register (like the staff menu).

It lives in core so that modules register links without importing the portal shell; the
page context (`core.context_processors.platform`) reads it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise


@dataclass(frozen=True)
class PortalLink:
    title: str | Promise
    view: str
    icon: str = ""
    order: int = 100
    applicants_only: bool = False  # shown only to logged-in enterprises and citizens
    # Shown only to users (anonymous included) for whom this answers True: a link must not lead
    # the user who sees it to a refusal.
    shown_to: Callable[[object], bool] | None = None


_links: list[PortalLink] = []


def register(link: PortalLink) -> None:
    if all(x.view != link.view for x in _links):
        _links.append(link)


def links_for(user) -> list[dict]:
    is_applicant = bool(getattr(user, "is_authenticated", False) and getattr(user, "is_applicant", False))
    out = []
    for link in sorted(_links, key=lambda x: x.order):
        if link.applicants_only and not is_applicant:
            continue
        if link.shown_to is not None and not link.shown_to(user):
            continue
        try:
            url = reverse(link.view)
        except NoReverseMatch:
            continue
        out.append({"title": link.title, "url": url, "icon": link.icon, "view": link.view,
                    "personal": link.applicants_only})
    return out
