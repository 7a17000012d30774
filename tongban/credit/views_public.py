"""Public and applicant pages: the credit query by 统一社会信用代码, the credit report PDF, list
members and published grades (public); my credit, repair and objection forms (applicants)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tongban.core.errors import Conflict, errors_text
from tongban.core.permissions import require_applicant
from tongban.core.validators import validate_uscc

from . import selectors, services
from .models import CreditList, Evaluation, Objection, RecordStatus, RepairStatus
from .permissions import get_record_for, objections_for, records_for, repairs_for, subject_codes_of
from .report import render_report


def _code(request) -> tuple[str, str]:
    raw = request.GET.get("code", "").strip().upper()
    if not raw:
        return "", ""
    try:
        return validate_uscc(raw), ""
    except ValidationError as exc:
        return "", exc.messages[0]


@login_not_required
def query(request):
    """Public: enterprises by 统一社会信用代码 (natural persons are not searchable by ID here)."""
    code, error = _code(request)
    records = list(selectors.public_records(code)) if code else []
    standing = None
    if code:
        from tongban.core.standing import standing_of

        standing = standing_of(code)
    return render(request, "credit/query.html", {"code": code, "error": error, "records": records,
                                                 "standing": standing, "asked": request.GET.get("code", "")},
                  status=400 if error else 200)


@login_not_required
def report_pdf(request):
    code, error = _code(request)
    if not code:
        return HttpResponse(error or "请提供统一社会信用代码。", status=400, content_type="text/plain; charset=utf-8")
    from tongban.catalog.documents import FontUnavailable

    try:
        body = render_report(code)
    except FontUnavailable:
        return HttpResponse("服务器缺少中文字体，暂不能生成信用报告。", status=503, content_type="text/plain; charset=utf-8")
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="credit-report-{code}.pdf"'
    return response


@login_not_required
def list_public(request):
    lists = CreditList.objects.filter(is_active=True)
    members = selectors.list_members().order_by("credit_list", "-entered_on")[:500]
    return render(request, "credit/list_public.html", {"lists": lists, "members": members})


@login_not_required
def grades_public(request):
    run = selectors.latest_published_run()
    rows = Evaluation.objects.filter(run=run).order_by("grade", "-score")[:500] if run else []
    return render(request, "credit/grades_public.html", {"run": run, "rows": rows})


def mine(request):
    require_applicant(request)
    user = request.user
    records = records_for(user).select_related("organisation", "rule").prefetch_related("repairs").order_by(
        "status", "-decided_on")
    return render(request, "credit/mine.html", {
        "records": records, "codes": subject_codes_of(user),
        "repairs": repairs_for(user).select_related("record").order_by("-applied_on"),
        "objections": objections_for(user).order_by("-submitted_on"), "today": services.records.today(),
        "published": RecordStatus.PUBLISHED, "refused": RepairStatus.REFUSED,
    })


def repair_apply(request, pk: int):
    require_applicant(request)
    record = get_record_for(request.user, pk)
    errors: dict = {}
    if request.method == "POST":
        p = request.POST
        try:
            repair = services.repair_apply(actor=request.user, record_id=pk, corrected=p.get("corrected", ""),
                                           penalty_fulfilled=p.get("penalty_fulfilled", ""),
                                           commitment=p.get("commitment", ""), evidence=request.FILES.getlist("evidence"))
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
            messages.error(request, _("申请未提交：") + errors_text(exc))
        except Conflict as exc:
            messages.error(request, exc.message)
            return redirect("credit:mine")
        else:
            messages.success(request, _("修复申请 %(n)s 已提交，将在 %(d)s 前作出决定。") % {
                "n": repair.number, "d": repair.due_on})
            return redirect("credit:mine")
    return render(request, "credit/repair_form.html", {"r": record, "errors": errors, "data": request.POST,
                                                       "why": services.repair_refusal_before(record)},
                  status=400 if errors else 200)


def objection_submit(request, target: str, pk: int):
    require_applicant(request)
    if target not in Objection.Target.values:
        from django.http import Http404

        raise Http404
    errors: dict = {}
    if request.method == "POST":
        try:
            row = services.objection_submit(actor=request.user, target=target, target_id=pk,
                                            content=request.POST.get("content", ""),
                                            evidence=request.FILES.getlist("evidence"))
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
            messages.error(request, _("异议未提交：") + errors_text(exc))
        except Conflict as exc:
            messages.error(request, exc.message)
            return redirect("credit:mine")
        else:
            messages.success(request, _("异议 %(n)s 已提交，将在 %(d)s 前答复。") % {"n": row.number, "d": row.due_on})
            return redirect("credit:mine")
    return render(request, "credit/objection_form.html", {"target": target, "pk": pk, "errors": errors,
                                                          "label": Objection.Target(target).label},
                  status=400 if errors else 200)
