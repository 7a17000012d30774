"""Assessment pages: the appraisal table of a run, the drill-down of one data point to its
records, objections, monthly summaries and the opinion base."""

from __future__ import annotations

from django.apps import apps
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from tongban.core.permissions import has_perm, in_scope, requires

from ..assessment import services as svc
from ..models import AppraisalOpinion, DataPoint, MonthlySummary, Run, Scheme
from ..permissions import get_run_for, runs_for
from .staff import _run

DETAIL_VIEWS = {"cases.case": "cases:detail", "appeals.appeal": "appeals:detail", "ledger.problem": "ledger:problem"}


@requires("ledger.assess_view")
def assessment(request):
    if request.method == "POST":
        p = request.POST
        if p.get("form") == "run":
            run = _run(request, lambda: svc.assessment_run(actor=request.user, scheme_id=int(p.get("scheme") or 0),
                                                           period=p.get("period", "")), _("考评已完成。"))
            if run:
                return redirect("ledger:run", run.pk)
        elif p.get("form") == "summary":
            _run(request, lambda: svc.summary_write(actor=request.user, month=p.get("month", ""), text=p.get("text", "")),
                 _("月总结已保存。"))
        elif p.get("form") == "opinion":
            _run(request, lambda: svc.opinion_add(actor=request.user, organisation_id=int(p.get("organisation") or 0),
                                                  period=p.get("period", ""), source=p.get("source", ""),
                                                  text=p.get("text", ""), author=p.get("author", "")),
                 _("评议意见已入库。"))
        return redirect("ledger:assessment")
    user = request.user
    schemes = [s for s in Scheme.objects.select_related("organisation") if in_scope(user, s.organisation)] \
        if has_perm(user, "ledger.assess") else []
    summaries = MonthlySummary.objects.filter(organisation=user.organisation).order_by("-month")[:12] \
        if user.organisation_id else []
    return render(request, "ledger/assessment.html", {
        "runs": runs_for(user).select_related("scheme")[:20], "schemes": schemes,
        "can_run": has_perm(user, "ledger.assess"), "summaries": summaries,
        "can_summary": has_perm(user, "ledger.rectify") or has_perm(user, "ledger.manage"),
        "sources": AppraisalOpinion.Source.choices,
        "units": [u for s in schemes for u in svc.units_of(s)],
    })


@requires("ledger.assess_view")
def run(request, pk: int):
    row = get_run_for(request.user, pk)
    scores = row.scores.select_related("organisation").prefetch_related("points__indicator").order_by(
        "rank", "organisation__path")
    codes = [(i["code"], i["name"]) for i in row.definition["items"]]
    columns = list(dict.fromkeys(codes))
    table = []
    for s in scores:
        by_code = {pt.indicator.code: pt for pt in s.points.all()}
        opinions = AppraisalOpinion.objects.filter(organisation=s.organisation, period_start=row.period_start,
                                                   period_end=row.period_end).count()
        table.append({"score": s, "cells": [by_code.get(c) for c, _n in columns], "opinions": opinions})
    return render(request, "ledger/run.html", {"run": row, "columns": columns, "table": table})


def _readable(actor, label: str, ids) -> set:
    """The records the viewer may open: links only to those, the others are listed by number."""
    if label == "cases.case":
        from tongban.cases.permissions import cases_for

        qs = cases_for(actor)
    elif label == "appeals.appeal":
        from tongban.appeals.permissions import appeals_for

        qs = appeals_for(actor)
    elif label == "ledger.problem":
        from ..permissions import problems_for

        qs = problems_for(actor)
    else:
        return set()
    return set(qs.filter(pk__in=ids).values_list("pk", flat=True))


def _record_rows(actor, records: dict) -> list[dict]:
    label = records.get("model", "")
    if not label or label == "ledger.manualvalue":
        return []
    model = apps.get_model(label)
    ids = list(records.get("ok", [])) + list(records.get("not_ok", []))
    objs = model._default_manager.in_bulk(ids[:500])
    readable = _readable(actor, label, ids[:500])
    view = DETAIL_VIEWS.get(label)
    out = []
    for ok, group in ((True, records.get("ok", [])), (False, records.get("not_ok", []))):
        for i in group[:250]:
            obj = objs.get(i)
            try:
                url = reverse(view, args=[i]) if view and i in readable else ""
            except NoReverseMatch:
                url = ""
            out.append({"id": i, "ok": ok, "label": getattr(obj, "number", None) or str(obj or i), "url": url})
    return out


@requires("ledger.assess_view")
def point(request, pk: int):
    pt = get_object_or_404(DataPoint.objects.select_related("score__organisation", "score__run", "indicator"), pk=pk,
                           score__run__in=runs_for(request.user))
    if request.method == "POST":
        if request.POST.get("form") == "answer":
            _run(request, lambda: svc.objection_answer(actor=request.user, objection_id=int(request.POST.get("objection") or 0),
                                                       accept=request.POST.get("accept") == "1",
                                                       answer=request.POST.get("answer", "")), _("异议已答复。"))
        else:
            _run(request, lambda: svc.objection_file(actor=request.user, point_id=pt.pk,
                                                     reason=request.POST.get("reason", "")), _("异议已提交。"))
        return redirect("ledger:point", pt.pk)
    run_row = pt.score.run
    opinions = AppraisalOpinion.objects.filter(organisation=pt.score.organisation, period_start=run_row.period_start,
                                               period_end=run_row.period_end)
    return render(request, "ledger/point.html", {
        "pt": pt, "run": run_row, "records": _record_rows(request.user, pt.records), "objections": pt.objections.all(),
        "opinions": opinions, "can_object": has_perm(request.user, "ledger.object"),
        "can_answer": has_perm(request.user, "ledger.assess"),
    })


__all__ = ["Run"]
