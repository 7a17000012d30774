"""Metrics of 好差评, by organisation, item, window and staff.

- count: valid ratings (those voided by an upheld appeal are left out)
- coverage: share of concluded (办结/送达) cases that their applicant rated
- satisfaction: share of 非常满意/满意/基本满意 among valid ratings; average on a 100-point scale
- bad rate: share of 不满意/非常不满意
- on-time rectification: share of real-name bad reviews answered within the deadline
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Q, QuerySet

from tongban.accounts.models import Organisation

from .models import BAD_LEVELS, Rating

VALID = ~Q(state=Rating.State.VOIDED)
AGG = {
    "count": Count("id", filter=VALID),
    "good": Count("id", filter=VALID & Q(level__gte=3)),
    "bad": Count("id", filter=VALID & Q(level__in=BAD_LEVELS)),
    "level_sum": Count("id", filter=VALID & Q(level=5)) * 5 + Count("id", filter=VALID & Q(level=4)) * 4
    + Count("id", filter=VALID & Q(level=3)) * 3 + Count("id", filter=VALID & Q(level=2)) * 2
    + Count("id", filter=VALID & Q(level=1)),
    "case_rated": Count("id", filter=Q(target=Rating.Target.CASE)),
    "real_bad": Count("id", filter=VALID & Q(level__in=BAD_LEVELS, real_name=True)),
    "real_bad_on_time": Count("id", filter=VALID & Q(level__in=BAD_LEVELS, real_name=True,
                                                     rectification__on_time=True)),
}


def appeal_rating(appeal) -> Rating | None:
    """The requester's rating of an appeal (appeals shows it on the requester's pages)."""
    return Rating.objects.filter(appeal=appeal).first()


def _pct(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def finish(row: dict, concluded: int | None) -> dict:
    count = row.get("count") or 0
    return {
        **row,
        "concluded": concluded,
        "coverage": _pct(row.get("case_rated") or 0, concluded or 0) if concluded is not None else None,
        "satisfaction": _pct(row.get("good") or 0, count),
        "score": round((row["level_sum"] / count - 1) * 25, 1) if count else None,
        "bad_rate": _pct(row.get("bad") or 0, count),
        "on_time_rate": _pct(row.get("real_bad_on_time") or 0, row.get("real_bad") or 0),
    }


def _concluded_cases():
    from tongban.cases.models import Case

    return Case.objects.filter(status__in=["concluded", "delivered"])


def summary(ratings: QuerySet[Rating], cases=None) -> dict:
    row = ratings.order_by().aggregate(**AGG)
    concluded = cases.count() if cases is not None else None
    return finish(row, concluded)


def by_agency(ratings: QuerySet[Rating], agencies: list[Organisation], start=None, end=None) -> list[dict]:
    """One row per agency, rolling up the ratings of its departments and the agencies below it."""
    rows = {r["organisation__path"]: r for r in ratings.order_by().values("organisation__path").annotate(**AGG)}
    cases = _concluded_cases()
    if start:
        cases = cases.filter(concluded_on__gte=start)
    if end:
        cases = cases.filter(concluded_on__lte=end)
    case_counts = dict(cases.order_by().values_list("organisation__path").annotate(n=Count("id")))
    out = []
    for agency in agencies:
        total: dict = defaultdict(int)
        for path, row in rows.items():
            if path.startswith(agency.path):
                for key in AGG:
                    total[key] += row[key] or 0
        concluded = sum(n for path, n in case_counts.items() if path.startswith(agency.path))
        out.append({"organisation": agency, **finish(dict(total) | {k: total.get(k, 0) for k in AGG}, concluded)})
    return out


def by_item(ratings: QuerySet[Rating]) -> list[dict]:
    from tongban.catalog.models import ServiceItem

    rows = list(ratings.filter(item__isnull=False).order_by().values("item_id").annotate(**AGG))
    items = ServiceItem.objects.select_related("current_version", "organisation").in_bulk([r["item_id"] for r in rows])
    concluded = dict(_concluded_cases().filter(item_id__in=items).order_by().values_list("item_id").annotate(n=Count("id")))
    out = [{"item": items[r["item_id"]], **finish(r, concluded.get(r["item_id"], 0))} for r in rows if r["item_id"] in items]
    return sorted(out, key=lambda r: -(r["count"] or 0))


def by_window(ratings: QuerySet[Rating]) -> list[dict]:
    from .models import Window

    rows = list(ratings.filter(window__isnull=False).order_by().values("window_id").annotate(**AGG))
    windows = Window.objects.select_related("organisation").in_bulk([r["window_id"] for r in rows])
    return [{"window": windows[r["window_id"]], **finish(r, None)} for r in rows if r["window_id"] in windows]


def by_staff(ratings: QuerySet[Rating]) -> list[dict]:
    from tongban.accounts.models import User

    rows = list(ratings.filter(staff__isnull=False).order_by().values("staff_id").annotate(**AGG))
    users = User.objects.select_related("organisation").in_bulk([r["staff_id"] for r in rows])
    concluded = dict(_concluded_cases().filter(handler_id__in=users).order_by().values_list("handler_id")
                     .annotate(n=Count("id")))
    out = [{"staff": users[r["staff_id"]], **finish(r, concluded.get(r["staff_id"], 0))} for r in rows
           if r["staff_id"] in users]
    return sorted(out, key=lambda r: -(r["count"] or 0))
