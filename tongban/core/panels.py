"""Modules contribute dashboard panels: a function of the actor returning KPIs (figures with a
label) and optional charts (ECharts options), computed over the actor's scope.

Each module defines its panels in its own panels.py, imported from its AppConfig.ready(); the
dashboard shell only reads them (`panels_for`), so it imports no module."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Kpi:
    label: str
    value: object
    unit: str = ""
    hint: str = ""
    tone: str = ""  # "", "good", "warn", "bad"


@dataclass
class Panel:
    title: str
    kpis: list[Kpi] = field(default_factory=list)
    charts: list[dict] = field(default_factory=list)  # {"id":…, "title":…, "option": {ECharts option}}
    table: dict | None = None  # {"headers": [...], "rows": [[...], ...]}
    order: int = 100


_panels: dict[str, Callable[[object], Panel | None]] = {}


def register(name: str):
    def decorator(func):
        _panels[name] = func
        return func

    return decorator


def pct(value) -> str:
    """A percentage KPI value, or a dash when there is nothing to compute it from."""
    return "—" if value is None else f"{value}%"


def panels_for(actor) -> list[Panel]:
    out = [p for p in (func(actor) for func in _panels.values()) if p is not None]
    return sorted(out, key=lambda p: p.order)
