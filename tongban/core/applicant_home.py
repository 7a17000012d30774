"""What a logged-in enterprise or citizen finds on the portal home: short lists of what is theirs
(cases that need them, licences, policies, appeals, notices), and the results shown on one of
their cases (its e-licence, the rating to give).

Each module fills these from its own AppConfig.ready() (in its home.py), computing them through
its own selectors; the portal shell and the case page only read the registry, so neither imports
a module above it (like core.panels for the dashboard)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.functional import Promise


@dataclass
class HomeItem:
    title: str | Promise
    url: str
    hint: str | Promise = ""  # a second line: a status, a date, what to do
    tone: str = ""  # "", "warn" (the applicant has to act), "good"


@dataclass
class HomeSection:
    title: str | Promise
    items: list[HomeItem] = field(default_factory=list)
    icon: str = ""
    more_url: str = ""  # the full list, when the section shows only the first few
    empty: str | Promise = ""  # said when there is nothing; a section without it is left out when empty
    order: int = 100


Section = Callable[[object], HomeSection | None]
CaseLinks = Callable[[object, object], list[HomeItem]]

SHORT_LIST = 5  # a home section shows at most this many rows, with a link to the full list

_sections: dict[str, Section] = {}
_case_links: dict[str, CaseLinks] = {}


def register(name: str) -> Callable[[Section], Section]:
    """Register a home section: a function of the applicant returning a HomeSection or None."""

    def decorator(func: Section) -> Section:
        _sections[name] = func
        return func

    return decorator


def register_case_links(name: str) -> Callable[[CaseLinks], CaseLinks]:
    """Register links a module adds to the applicant's case page: func(case, applicant)."""

    def decorator(func: CaseLinks) -> CaseLinks:
        _case_links[name] = func
        return func

    return decorator


def sections_for(user) -> list[HomeSection]:
    if not (getattr(user, "is_authenticated", False) and getattr(user, "is_applicant", False)):
        return []
    out = []
    for func in _sections.values():
        section = func(user)
        if section is None or (not section.items and not section.empty):
            continue
        out.append(section)
    return sorted(out, key=lambda s: s.order)


def case_links_for(case, user) -> list[HomeItem]:
    return [item for func in _case_links.values() for item in func(case, user)]
