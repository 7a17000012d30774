"""Staff pages of the credit module: records, the repair and objection queue, evaluations, lists,
commitments, imports and the 双公示 export."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tongban.core.errors import Conflict, errors_text
from tongban.core.pagination import CappedPaginator
from tongban.core.permissions import has_perm, requires, scope_q

from . import exports, services
from .models import (
    Commitment,
    CreditList,
    EntryStatus,
    Evaluation,
    ObjectionStatus,
    RecordStatus,
    RepairStatus,
    ScoringMethod,
    ScoringRule,
)
from .permissions import (
    DECIDE,
    EVALUATE,
    MANAGE,
    VIEW,
    get_evaluation_for,
    get_record_for,
    get_run_for,
    objections_for,
    records_for,
    repairs_for,
    runs_for,
)
from .services.evaluation import breakdown


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _act(request, func, ok: str, **kwargs) -> bool:
    try:
        func(actor=request.user, **kwargs)
    except ValidationError as exc:
        messages.error(request, _("操作未完成：") + errors_text(exc))
        return False
    except Conflict as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, ok)
    return True


@requires(VIEW)
def record_list(request):
    qs = records_for(request.user).select_related("organisation")
    q, status = request.GET.get("q", "").strip(), request.GET.get("status", "")
    if q:
        qs = qs.filter(Q(subject_code=q.upper()) | Q(subject_name__contains=q) | Q(number=q))
    if status in RecordStatus.values:
        qs = qs.filter(status=status)
    page = CappedPaginator(qs.order_by("-decided_on", "-id"), 30).get_page(request.GET.get("page"))
    return render(request, "credit/records.html", {"page": page, "q": q, "status": status,
                                                   "statuses": RecordStatus.choices})


@requires(VIEW)
def record_detail(request, pk: int):
    record = get_record_for(request.user, pk)
    # The record type is a scoring key (penalty_minor); people read the rule's own name for it.
    type_label = ScoringRule.objects.filter(record_type=record.record_type).values_list("label", flat=True).first()
    return render(request, "credit/record_detail.html", {
        "r": record, "type_label": type_label or record.record_type, "steps": record.steps.all(), "pushes": record.pushes.all(),
        "repairs": record.repairs.all(), "objections": record.objections.all(),
    })


@requires(MANAGE)
def board(request):
    """信用工作台 for the credit administrator: queues with their deadlines, over the viewer's scope."""
    from .board import board as board_data
    from .services._common import today

    return render(request, "credit/board.html", board_data(request.user, today()))


@requires(DECIDE)
def queue(request):
    repairs = repairs_for(request.user).filter(status=RepairStatus.PENDING).select_related("record").prefetch_related(
        "evidence").order_by("due_on")
    objections = objections_for(request.user).filter(status=ObjectionStatus.PENDING).select_related(
        "record", "repair", "evaluation", "list_entry").order_by("due_on")
    return render(request, "credit/queue.html", {"repairs": repairs, "objections": objections})


@requires(DECIDE)
@require_POST
def repair_decide(request, pk: int):
    p = request.POST
    _act(request, services.repair_decide, _("修复申请已审核。"), repair_id=pk, approve=p.get("approve") == "1",
         reasons=p.get("reasons", ""), expected_version=_int(p.get("row_version")))
    return redirect("credit:queue")


@requires(DECIDE)
@require_POST
def objection_decide(request, pk: int):
    p = request.POST
    _act(request, services.objection_decide, _("异议已处理。"), objection_id=pk, corrected=p.get("corrected") == "1",
         reasons=p.get("reasons", ""), correction=p.get("correction", ""), expected_version=_int(p.get("row_version")))
    return redirect("credit:queue")


@requires(VIEW)
def evaluations(request):
    if request.method == "POST":
        if not has_perm(request.user, EVALUATE):
            raise Http404
        if request.POST.get("publish"):
            _act(request, services.evaluation_publish, _("评价结果已发布。"), run_id=_int(request.POST.get("publish")))
        else:
            _act(request, services.evaluation_run, _("评价已完成计算。"))
        return redirect("credit:evaluations")
    return render(request, "credit/evaluations.html", {
        "methods": ScoringMethod.objects.prefetch_related("rules"),
        "runs": runs_for(request.user).select_related("method", "organisation")[:20],
        "may_run": has_perm(request.user, EVALUATE)})


@requires(VIEW)
def run_detail(request, pk: int):
    run = get_run_for(request.user, pk)
    qs = Evaluation.objects.filter(run=run)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(subject_code=q.upper()) | Q(subject_name__contains=q))
    page = CappedPaginator(qs.order_by("score", "subject_code"), 50).get_page(request.GET.get("page"))
    return render(request, "credit/run_detail.html", {"run": run, "page": page, "q": q})


@requires(VIEW)
def evaluation_detail(request, pk: int):
    ev = get_evaluation_for(request.user, pk)
    rule_labels = dict(ev.run.method.rules.values_list("record_type", "label"))
    return render(request, "credit/evaluation_detail.html", {"ev": ev, "lines": breakdown(ev), "rule_labels": rule_labels})


@requires(VIEW)
def lists(request):
    if request.method == "POST":
        if not has_perm(request.user, MANAGE):
            raise Http404
        p = request.POST
        if p.get("scan"):
            _act(request, services.list_scan, _("已按认定标准筛查并进入公示。"), list_id=_int(p.get("scan")))
        else:
            _act(request, services.list_propose, _("已进入认定前公示。"), list_id=_int(p.get("list_id")),
                 subject_code=p.get("subject_code", ""), evidence=p.get("evidence", ""))
        return redirect("credit:lists")
    rows = CreditList.objects.prefetch_related("entries")
    return render(request, "credit/lists.html", {"lists": rows, "may_manage": has_perm(request.user, MANAGE),
                                                 "live": [EntryStatus.PUBLICITY, EntryStatus.MEMBER]})


@requires(VIEW)
def commitments(request):
    if request.method == "POST":
        if not has_perm(request.user, MANAGE):
            raise Http404
        p = request.POST
        if p.get("close"):
            _act(request, services.commitment_close, _("已认定。"), commitment_id=_int(p.get("close")),
                 kept=p.get("kept") == "1", note=p.get("note", ""), expected_version=_int(p.get("row_version")))
        else:
            try:
                due = dt.date.fromisoformat(p.get("due_on", ""))
            except ValueError:
                due = None
            _act(request, services.commitment_create, _("承诺已登记。"), kind=p.get("kind", ""), promise=p.get(
                "promise", ""), made_in=p.get("made_in", ""), due_on=due, subject_code=p.get("subject_code", ""),
                subject_name=p.get("subject_name", ""))
        return redirect("credit:commitments")
    rows = Commitment.objects.filter(scope_q(request.user)).order_by("status", "due_on")[:200]
    return render(request, "credit/commitments.html", {"rows": rows, "kinds": Commitment.Kind.choices,
                                                       "may_manage": has_perm(request.user, MANAGE)})


@requires(MANAGE)
def record_import(request):
    report = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("请选择要导入的文件。"))
        else:
            try:
                made = services.record_import(actor=request.user, upload=upload)
            except services.ImportRefused as exc:
                report = exc.rows
                messages.error(request, _("导入未完成：有 %(n)d 处错误，未写入任何记录。") % {"n": len(exc.rows)})
            except ValidationError as exc:
                messages.error(request, _("导入未完成：") + errors_text(exc))
            else:
                messages.success(request, _("已导入 %(n)d 条记录。") % {"n": made})
                return redirect("credit:records")
    from .services.imports import TEMPLATE_HEADERS

    return render(request, "credit/import.html", {"report": report, "headers": TEMPLATE_HEADERS},
                  status=400 if report else 200)


def export_response(records, kind: str, fmt: str) -> HttpResponse:
    data = exports.rows(records, kind)
    stamp = dt.date.today().strftime("%Y%m%d")
    if fmt == "json":
        body, ctype = exports.to_json(data, kind), "application/json"
    elif fmt == "xlsx":
        body, ctype = exports.to_xlsx(data, kind), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        fmt, body, ctype = "csv", exports.to_csv(data, kind), "text/csv; charset=utf-8"
    response = HttpResponse(body, content_type=ctype)
    response["Content-Disposition"] = f'attachment; filename="dual-publicity-{kind}-{stamp}.{fmt}"'
    return response


@requires(VIEW)
def export(request):
    kind = request.GET.get("kind", "penalty")
    if kind not in ("licence", "penalty"):
        raise Http404
    qs = records_for(request.user).filter(dual_publicity=True, status__in=[RecordStatus.PUBLISHED])
    return export_response(qs, kind, request.GET.get("format", "csv"))
