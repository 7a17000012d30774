"""The named computations behind computed indicators.

Each takes a unit (an organisation; its subtree counts) and a closed period and returns the
records that count, split into those that meet the indicator and those that do not. They read
only *dated facts* — a case concluded on a day, an appeal answered on a day, a ledger problem
first closed on a day — so the same period gives the same answer whenever it is recomputed, and
later events (next quarter's cases) cannot change a past quarter.

Modules not yet on the platform plug in by name: `register_if_present` looks the function up
when a run asks for it, so the ledger never imports them (inspections publishes results later).
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Facts:
    model: str  # the records' model label, for the drill-down
    ok: list[int] = field(default_factory=list)
    not_ok: list[int] = field(default_factory=list)

    @property
    def numerator(self) -> int:
        return len(self.ok)

    @property
    def denominator(self) -> int:
        return len(self.ok) + len(self.not_ok)


Computation = Callable[[object, dt.date, dt.date], Facts]


@dataclass(frozen=True)
class Registered:
    name: str
    label: str
    func: Computation | None = None
    lazy: tuple[str, str] | None = None  # (module, attribute) looked up when used

    def resolve(self) -> Computation | None:
        if self.func is not None:
            return self.func
        try:
            module = importlib.import_module(self.lazy[0])
        except ModuleNotFoundError:
            return None
        return getattr(module, self.lazy[1], None)


_registry: dict[str, Registered] = {}


def register(name: str, label: str):
    def decorator(func: Computation) -> Computation:
        _registry[name] = Registered(name, label, func=func)
        return func

    return decorator


def register_if_present(name: str, label: str, module: str, attribute: str) -> None:
    """A computation another module provides once it exists: ``attribute(unit, start, end) -> Facts``
    (or a dict with ``model``, ``ok``, ``not_ok``)."""
    _registry[name] = Registered(name, label, lazy=(module, attribute))


def available() -> dict[str, str]:
    """Computations usable now (name -> label)."""
    return {n: r.label for n, r in _registry.items() if r.resolve() is not None}


def compute(name: str, unit, start: dt.date, end: dt.date) -> Facts | None:
    reg = _registry.get(name)
    func = reg.resolve() if reg else None
    if func is None:
        return None
    out = func(unit, start, end)
    if isinstance(out, dict):
        out = Facts(out["model"], list(out["ok"]), list(out["not_ok"]))
    return out


def _split(qs, ok_q) -> tuple[list[int], list[int]]:
    ok = sorted(qs.filter(ok_q).values_list("pk", flat=True))
    every = sorted(qs.values_list("pk", flat=True))
    okset = set(ok)
    return ok, [i for i in every if i not in okset]


# --- computations over the platform's own data -------------------------------------------------


@register("cases.on_time_conclusion", "办件按承诺时限办结率")
def cases_on_time(unit, start, end) -> Facts:
    from django.db.models import F, Q

    from tongban.cases.models import Case

    qs = Case.objects.filter(organisation__path__startswith=unit.path, concluded_on__gte=start,
                             concluded_on__lte=end, promised_due__isnull=False)
    ok, bad = _split(qs, Q(concluded_on__lte=F("promised_due")))
    return Facts("cases.case", ok, bad)


@register("cases.supplement_free", "一次性受理率（无需补正）")
def cases_supplement_free(unit, start, end) -> Facts:
    from django.db.models import Q

    from tongban.cases.models import Case

    qs = Case.objects.filter(organisation__path__startswith=unit.path, accepted_on__gte=start, accepted_on__lte=end)
    ok, bad = _split(qs, Q(supplement_count=0))
    return Facts("cases.case", ok, bad)


@register("appeals.replied_on_time", "诉求按期答复率")
def appeals_on_time(unit, start, end) -> Facts:
    from django.db.models import F, Q

    from tongban.appeals.models import Appeal

    qs = Appeal.objects.filter(organisation__path__startswith=unit.path, replied_on__gte=start, replied_on__lte=end)
    ok, bad = _split(qs, Q(replied_on__lte=F("due_on")))
    return Facts("appeals.appeal", ok, bad)


@register("appeals.satisfaction", "诉求回访满意率")
def appeals_satisfaction(unit, start, end) -> Facts:
    from django.db.models import Q

    from tongban.appeals.models import Appeal, Satisfaction

    qs = Appeal.objects.filter(organisation__path__startswith=unit.path, closed_on__gte=start, closed_on__lte=end,
                               satisfaction__in=[Satisfaction.SATISFIED, Satisfaction.BASIC, Satisfaction.UNSATISFIED])
    ok, bad = _split(qs, Q(satisfaction__in=[Satisfaction.SATISFIED, Satisfaction.BASIC]))
    return Facts("appeals.appeal", ok, bad)


@register("reviews.rectified_on_time", "差评按期整改率")
def reviews_on_time(unit, start, end) -> Facts:
    from django.db.models import Q

    from tongban.reviews.models import Rectification

    qs = Rectification.objects.filter(organisation__path__startswith=unit.path, answered_on__gte=start,
                                      answered_on__lte=end)
    ok, bad = _split(qs, Q(on_time=True))
    return Facts("reviews.rectification", ok, bad)


@register("ledger.closed_on_time", "整改任务按期销号率")
def ledger_on_time(unit, start, end) -> Facts:
    """First close-outs of the period, by lead unit, as recorded when signed (the transition row
    keeps whether it was on time): a later reopening does not rewrite the past quarter."""
    from ..models import Transition

    rows = Transition.objects.filter(action="close", effective_on__gte=start, effective_on__lte=end,
                                     problem__lead_unit__path__startswith=unit.path,
                                     data__round=1).values_list("problem_id", "data")
    ok = sorted(pid for pid, data in rows if data.get("on_time"))
    bad = sorted(pid for pid, data in rows if not data.get("on_time"))
    return Facts("ledger.problem", ok, bad)


# Random-inspection results published within 20 working days (国发〔2019〕5号), once that module exists.
register_if_present("inspections.published_on_time", "抽查结果按期公示率", "tongban.inspections.selectors",
                    "published_on_time_facts")
