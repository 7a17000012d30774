"""Assessment writes: indicator versions, schemes, manual values with evidence, quarterly runs,
objections, monthly summaries and the opinion base (评议意见库).

A run stores its definition (indicator codes and versions, computations, weights, grades) and
every data point with the ids of the records behind it. `compute_run` recomputes from that stored
definition alone, so any past period can be reproduced and compared with what was published.

Grades [K]: no national rule; the seed asks for differentiated grades (拉大不同档次间差距).
Default: 优秀 ≥ 90, 良好 ≥ 80, 一般 ≥ 60, 较差 below; a scheme may set its own thresholds.
A unit without data for an indicator is scored on the others (weights renormalised), never
given points it did not earn nor lost points for work it had none of.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404

from tongban.accounts.models import Organisation
from tongban.core import attachments, audit
from tongban.core.errors import Conflict
from tongban.core.permissions import deny, has_perm, in_scope, require

from ..models import (
    AppraisalOpinion,
    DataPoint,
    Indicator,
    ManualValue,
    MonthlySummary,
    Objection,
    Run,
    Scheme,
    SchemeItem,
    Score,
)
from . import indicators

DEFAULT_GRADES = [[90, "优秀"], [80, "良好"], [60, "一般"], [0, "较差"]]
TWO = Decimal("0.01")


def quarter_bounds(label: str) -> tuple[dt.date, dt.date]:
    m = re.fullmatch(r"(\d{4})Q([1-4])", (label or "").strip().upper())
    if not m:
        raise ValidationError({"period": ["考评期格式为 2026Q1（年份+季度）。"]})
    year, q = int(m.group(1)), int(m.group(2))
    if not 2000 <= year <= 2100:
        raise ValidationError({"period": ["考评期的年份应在 2000-2100 之间。"]})
    start = dt.date(year, 3 * q - 2, 1)
    end = dt.date(year + (q == 4), (3 * q) % 12 + 1, 1) - dt.timedelta(days=1)
    return start, end


@transaction.atomic
def indicator_define(*, actor, code: str, name: str, kind: str, computation: str = "", description: str = "",
                     valid_from: dt.date | None = None) -> Indicator:
    """A new indicator, or a new version of an existing code (earlier runs keep theirs)."""
    require(actor, "ledger.assess")
    code = (code or "").strip()
    if not re.fullmatch(r"[a-z0-9_.]{2,40}", code):
        raise ValidationError({"code": ["指标代码为 2-40 位小写字母、数字、点或下划线。"]})
    if kind not in Indicator.Kind.values:
        raise ValidationError({"kind": ["指标类型应为系统计算或人工填报。"]})
    if kind == Indicator.Kind.COMPUTED and computation not in indicators.available():
        raise ValidationError({"computation": ["计算方法不存在：可选 " + "、".join(indicators.available()) + "。"]})
    last = Indicator.objects.filter(code=code).order_by("-version").first()
    row = Indicator.objects.create(code=code, version=(last.version + 1) if last else 1, name=(name or code).strip(),
                                   kind=kind, computation=computation if kind == Indicator.Kind.COMPUTED else "",
                                   description=description or "", valid_from=valid_from or dt.date.today())
    audit.record("ledger.indicator_define", actor=actor, obj=row, changes={"code": code, "version": row.version})
    return row


def definition_of(scheme: Scheme) -> dict:
    items = scheme.items.select_related("indicator").order_by("indicator__code", "unit_kind")
    return {
        "scheme": scheme.pk, "name": scheme.name, "grades": scheme.grades or DEFAULT_GRADES,
        "items": [{"indicator_id": i.indicator_id, "code": i.indicator.code, "version": i.indicator.version,
                   "name": i.indicator.name, "kind": i.indicator.kind, "computation": i.indicator.computation,
                   "unit_kind": i.unit_kind, "weight": str(i.weight)} for i in items],
    }


def units_of(scheme: Scheme) -> list[Organisation]:
    """The units appraised: the scheme's agency's departments, affiliated units and sub-agencies."""
    kinds = set(scheme.items.values_list("unit_kind", flat=True))
    return list(Organisation.objects.filter(parent=scheme.organisation, is_active=True, kind__in=kinds).order_by("path"))


def grade_of(total: Decimal | None, grades) -> str:
    if total is None:
        return ""
    for floor, label in grades:
        if total >= Decimal(str(floor)):
            return label
    return grades[-1][1]


def compute_run(definition: dict, units, start: dt.date, end: dt.date) -> list[dict]:
    """Scores from a stored definition: pure, so a past run can be recomputed and compared."""
    out = []
    for unit in units:
        points = []
        for item in definition["items"]:
            if item["unit_kind"] != unit.kind:
                continue
            weight = Decimal(item["weight"])
            if item["kind"] == Indicator.Kind.COMPUTED:
                facts = indicators.compute(item["computation"], unit, start, end)
                if facts is None or facts.denominator == 0:
                    points.append({**item, "numerator": facts.numerator if facts else None,
                                   "denominator": facts.denominator if facts else None, "rate": None, "points": None,
                                   "records": {"model": facts.model if facts else "", "ok": [], "not_ok": []}})
                    continue
                rate = (Decimal(100) * facts.numerator / facts.denominator).quantize(TWO, ROUND_HALF_UP)
                records = {"model": facts.model, "ok": facts.ok, "not_ok": facts.not_ok}
                num, den = facts.numerator, facts.denominator
            else:
                mv = ManualValue.objects.filter(indicator_id=item["indicator_id"], organisation=unit,
                                                period_start=start, period_end=end).first()
                if mv is None:
                    points.append({**item, "numerator": None, "denominator": None, "rate": None, "points": None,
                                   "records": {"model": "ledger.manualvalue", "ok": [], "not_ok": []}})
                    continue
                rate, num, den = mv.value.quantize(TWO), None, None
                records = {"model": "ledger.manualvalue", "ok": [mv.pk], "not_ok": []}
            points.append({**item, "numerator": num, "denominator": den, "rate": rate,
                           "points": (weight * rate / 100).quantize(TWO, ROUND_HALF_UP), "records": records})
        scored = [p for p in points if p["points"] is not None]
        wsum = sum((Decimal(p["weight"]) for p in scored), Decimal(0))
        total = (Decimal(100) * sum((p["points"] for p in scored), Decimal(0)) / wsum).quantize(TWO, ROUND_HALF_UP) \
            if wsum else None
        out.append({"unit": unit, "total": total, "grade": grade_of(total, definition["grades"]), "points": points})
    ranked = sorted([r for r in out if r["total"] is not None], key=lambda r: -r["total"])
    for i, r in enumerate(ranked, start=1):
        r["rank"] = i
    return out


@transaction.atomic
def assessment_run(*, actor, scheme_id: int, period: str) -> Run:
    """季考评: compute every unit's score for the quarter and store it with its definition."""
    require(actor, "ledger.assess")
    scheme = Scheme.objects.select_related("organisation").filter(pk=scheme_id).first()
    if scheme is None or not in_scope(actor, scheme.organisation):
        raise Http404("考评方案不存在或不在您的管辖范围内。")
    start, end = quarter_bounds(period)
    from tongban.core.timeutil import today

    if end >= today():
        raise ValidationError({"period": [f"{period} 尚未结束，季度考评须在季度结束后进行。"]})
    definition = definition_of(scheme)
    if not definition["items"]:
        raise ValidationError("考评方案还没有指标。")
    run = Run.objects.create(scheme=scheme, label=period.upper(), period_start=start, period_end=end,
                             definition=definition, run_by=actor)
    for row in compute_run(definition, units_of(scheme), start, end):
        score = Score.objects.create(run=run, organisation=row["unit"], total=row["total"], grade=row["grade"],
                                     rank=row.get("rank"))
        DataPoint.objects.bulk_create([DataPoint(
            score=score, indicator_id=p["indicator_id"], weight=Decimal(p["weight"]), numerator=p["numerator"],
            denominator=p["denominator"], rate=p["rate"], points=p["points"], records=p["records"],
        ) for p in row["points"]])
    audit.record("ledger.assessment_run", actor=actor, obj=run, changes={"period": run.label, "scheme": scheme.pk})
    return run


def reproduce(run: Run) -> list[dict]:
    """The run recomputed now from its stored definition: equal to the stored scores when the
    facts of the period have not been corrected since."""
    units = [s.organisation for s in run.scores.select_related("organisation")]
    return compute_run(run.definition, units, run.period_start, run.period_end)


@transaction.atomic
def manual_value_set(*, actor, indicator_id: int, organisation_id: int, period: str, value, note: str,
                     upload=None) -> ManualValue:
    require(actor, "ledger.assess")
    ind = Indicator.objects.filter(pk=indicator_id, kind=Indicator.Kind.MANUAL).first()
    org = Organisation.objects.filter(pk=organisation_id).first()
    if ind is None or org is None or not in_scope(actor, org):
        raise Http404("指标或单位不存在。")
    start, end = quarter_bounds(period)
    try:
        val = Decimal(str(value)).quantize(TWO)
        if not 0 <= val <= 100:
            raise ValueError
    except (ArithmeticError, ValueError):
        raise ValidationError({"value": ["得分率为 0-100。"]}) from None
    if not (note or "").strip():
        raise ValidationError({"note": ["人工填报的指标须写明依据。"]})
    att = attachments.store(upload, actor=actor, label="依据材料") if upload else None
    row, _ = ManualValue.objects.update_or_create(
        indicator=ind, organisation=org, period_start=start, period_end=end,
        defaults={"value": val, "note": note.strip(), "evidence": att, "entered_by": actor})
    audit.record("ledger.manual_value", actor=actor, obj=row, changes={"value": str(val), "period": period})
    return row


@transaction.atomic
def objection_file(*, actor, point_id: int, reason: str) -> Objection:
    """A unit objects to one of its data points."""
    require(actor, "ledger.object")
    point = DataPoint.objects.select_related("score__organisation", "score__run__scheme__organisation").filter(
        pk=point_id).first()
    if point is None or (not in_scope(actor, point.score.organisation) and not (
            actor.organisation_id and point.score.organisation.agency().pk == actor.organisation.agency().pk)):
        raise Http404("数据不存在或不在您的管辖范围内。")
    if not (reason or "").strip():
        raise ValidationError({"reason": ["请写明异议理由，并指出哪条记录有误。"]})
    if point.objections.filter(status=Objection.Status.PENDING).exists():
        raise Conflict("该数据已有待答复的异议。", code="pending")
    row = Objection.objects.create(point=point, reason=reason.strip(), filed_by=actor)
    audit.record("ledger.objection_file", actor=actor, obj=row, changes={"point": point.pk})
    return row


@transaction.atomic
def objection_answer(*, actor, objection_id: int, accept: bool, answer: str) -> Objection:
    require(actor, "ledger.assess")
    row = Objection.objects.select_for_update().select_related("point__score__run__scheme__organisation").filter(
        pk=objection_id).first()
    if row is None or not in_scope(actor, row.point.score.run.scheme.organisation):
        raise Http404("异议不存在或不在您的管辖范围内。")
    if row.status != Objection.Status.PENDING:
        raise Conflict("该异议已答复。", code="answered")
    if not (answer or "").strip():
        raise ValidationError({"answer": ["请填写答复。"]})
    row.status = Objection.Status.ACCEPTED if accept else Objection.Status.REJECTED
    row.answer, row.answered_by = answer.strip(), actor
    row.save()
    audit.record("ledger.objection_answer", actor=actor, obj=row, changes={"status": row.status})
    return row


@transaction.atomic
def summary_write(*, actor, month: str, text: str) -> MonthlySummary:
    """月总结: a unit writes (or rewrites) its summary of a month."""
    if not (has_perm(actor, "ledger.rectify") or has_perm(actor, "ledger.manage")):
        raise deny(actor, "ledger.rectify")
    try:
        first = dt.date.fromisoformat(f"{(month or '').strip()}-01")
    except ValueError:
        raise ValidationError({"month": ["月份格式为 2026-03。"]}) from None
    if not (text or "").strip():
        raise ValidationError({"text": ["请填写工作总结。"]})
    row, _ = MonthlySummary.objects.update_or_create(
        organisation=actor.organisation, month=first, defaults={"text": text.strip(), "written_by": actor})
    audit.record("ledger.summary_write", actor=actor, obj=row, changes={"month": month})
    return row


@transaction.atomic
def opinion_add(*, actor, organisation_id: int, period: str, source: str, text: str, author: str = "") -> AppraisalOpinion:
    """评议意见库: an opinion attached to the exact unit and period."""
    require(actor, "ledger.assess")
    org = Organisation.objects.filter(pk=organisation_id).first()
    if org is None or not in_scope(actor, org):
        raise Http404("单位不存在或不在您的管辖范围内。")
    start, end = quarter_bounds(period)
    if source not in AppraisalOpinion.Source.values:
        raise ValidationError({"source": ["来源应为服务对象或基层单位。"]})
    if not (text or "").strip():
        raise ValidationError({"text": ["请填写评议意见。"]})
    from tongban.core.masking import mask_name

    row = AppraisalOpinion.objects.create(organisation=org, period_start=start, period_end=end, source=source,
                                          text=text.strip(), author=mask_name(author.strip()) if author else "",
                                          entered_by=actor)
    audit.record("ledger.opinion_add", actor=actor, obj=row, changes={"period": period})
    return row


def scheme_create(*, actor, organisation, name: str, items: list[tuple[Indicator, str, str]], grades=None) -> Scheme:
    """A scheme with (indicator, unit kind, weight) rows; used by the demo and the admin."""
    require(actor, "ledger.assess")
    with transaction.atomic():
        scheme = Scheme.objects.create(organisation=organisation, name=name, grades=grades or [])
        SchemeItem.objects.bulk_create([SchemeItem(scheme=scheme, indicator=i, unit_kind=k, weight=Decimal(w))
                                        for i, k, w in items])
    return scheme
