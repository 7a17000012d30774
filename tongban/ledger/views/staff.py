"""Staff pages of the ledger: campaigns, the lead office's board, a problem with its actions,
a unit's tasks, the leader's sign-off queue, re-checks, consultations and downloads. Every rule is
in the services; a page only parses the form and shows the Chinese message of a refusal."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tongban.accounts.models import Organisation, Role, User
from tongban.appeals.permissions import scope_root
from tongban.core import attachments, supervision
from tongban.core.errors import Conflict, errors_text
from tongban.core.permissions import has_perm, requires

from .. import selectors, services
from ..models import (
    Consultation,
    Evidence,
    Filing,
    ImportJob,
    Phase,
    Problem,
    Recheck,
    RecheckItem,
    SourceKind,
    Status,
)
from ..permissions import campaigns_for, get_campaign_for, get_problem_for, leads, may_manage
from ..services import bulk


def _int(v):
    try:
        return int(v)
    except (TypeError, ValueError):
        return None


def _run(request, func, ok: str):
    """Call a service; show its refusal as a message. Returns the result or None."""
    try:
        result = func()
    except ValidationError as exc:
        messages.error(request, _("操作未完成：") + errors_text(exc))
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        if ok:
            messages.success(request, ok)
        return result
    return None


def _download(data: bytes, name: str, content_type: str) -> HttpResponse:
    from urllib.parse import quote

    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


def _units(actor):
    root = scope_root(actor)
    qs = Organisation.objects.filter(is_active=True)
    return qs.filter(path__startswith=root.path) if root and not actor.is_superuser else qs


def _leaders(actor):
    root = scope_root(actor)
    qs = User.objects.filter(roles__role=Role.APPROVER, is_active=True).select_related("organisation")
    return qs.filter(organisation__path__startswith=root.path).distinct() if root and not actor.is_superuser else qs


# --- campaigns --------------------------------------------------------------------------------


@requires("ledger.view")
def index(request):
    if request.method == "POST":
        p = request.POST
        campaign = _run(request, lambda: services.campaign_create(
            actor=request.user, title=p.get("title", ""), code=p.get("code", ""),
            lead_office_id=p.get("lead_office"), superior=p.get("superior", ""), starts_on=p.get("starts_on"),
            finding_until=p.get("finding_until"), rectifying_until=p.get("rectifying_until"),
            rules_until=p.get("rules_until"), ends_on=p.get("ends_on"), participant_ids=p.getlist("participants"),
            publish_list=p.get("publish_list") == "1", default_limit_days=p.get("default_limit_days") or 20,
            recheck_ratio=p.get("recheck_ratio") or "0.2"), _("专项整治已创建。"))
        if campaign:
            return redirect("ledger:board", campaign.pk)
    campaigns = campaigns_for(request.user).select_related("lead_office").order_by("-starts_on", "-id")
    return render(request, "ledger/index.html", {
        "campaigns": campaigns, "can_create": has_perm(request.user, "ledger.manage"),
        "units": _units(request.user), "data": request.POST,
    })


@requires("ledger.view")
def board(request, pk: int):
    campaign = get_campaign_for(request.user, pk)
    from ..permissions import problems_for

    qs = selectors.with_units(problems_for(request.user).filter(campaign=campaign))
    status = request.GET.get("status", "")
    if status in Status.values:
        qs = qs.filter(status=status)
    if request.GET.get("overdue") == "1":
        qs = qs.filter(warning="red")
    unit = _int(request.GET.get("unit"))
    if unit:
        qs = qs.filter(lead_unit_id=unit)
    manage = has_perm(request.user, "ledger.manage") and leads(request.user, campaign)
    return render(request, "ledger/board.html", {
        "campaign": campaign, "stats": selectors.board(request.user, campaign),
        "problems": qs.order_by("number")[:300], "status": status, "manage": manage,
        "sources": SourceKind.choices, "phases": Phase.choices, "parents": qs.filter(parent__isnull=True)[:200],
        "rechecks": campaign.rechecks.all()[:10], "filings": campaign.filings.all()[:10],
        "imports": campaign.imports.all()[:5], "rules": campaign.rules.prefetch_related("problems")[:50],
        "consultations": campaign.consultations.prefetch_related("opinions")[:20],
        "can_recheck": has_perm(request.user, "ledger.recheck") and leads(request.user, campaign),
        "can_consult": has_perm(request.user, "ledger.consult"),
        "all_problems": Problem.objects.filter(campaign=campaign).only("id", "number", "title")[:300],
        # The chooser on the problem form: results with findings the actor may read in inspections.
        "results": selectors.inspection_results(request.user, campaign) if manage else [],
    })


@requires("ledger.manage")
def inspection_results(request, pk: int):
    """从检查结果转为整改问题: the results with findings in the actor's scope, one click each."""
    campaign = get_campaign_for(request.user, pk, manage=True)
    return render(request, "ledger/inspection_results.html", {
        "campaign": campaign, "results": selectors.inspection_results(request.user, campaign),
    })


@require_POST
@requires("ledger.view")
def campaign_act(request, pk: int, action: str):
    campaign = get_campaign_for(request.user, pk)
    p, user = request.POST, request.user
    if action == "problem":
        _run(request, lambda: services.problem_create(
            actor=user, campaign_id=campaign.pk, title=p.get("title", ""), description=p.get("description", ""),
            source_kind=p.get("source_kind", ""), source_ref=p.get("source_ref", ""),
            parent_id=_int(p.get("parent")), source_result_id=p.get("source_result") or None), _("问题已列入清单。"))
    elif action == "phase":
        _run(request, lambda: services.campaign_set_phase(actor=user, campaign_id=campaign.pk, phase=p.get("phase", "")),
             _("整治阶段已更新。"))
    elif action == "publish":
        _run(request, lambda: services.campaign_set_publication(actor=user, campaign_id=campaign.pk,
                                                                publish=p.get("publish") == "1"), _("公开设置已保存。"))
    elif action == "filing":
        _run(request, lambda: services.filing_create(actor=user, campaign_id=campaign.pk), _("问题清单已编号报备。"))
    elif action == "import":
        job = _run(request, lambda: bulk.import_start(actor=user, campaign_id=campaign.pk, upload=request.FILES.get("file")),
                   _("已提交导入，结果见导入报告。"))
        if job:
            return redirect("ledger:import_job", job.pk)
    elif action == "recheck":
        row = _run(request, lambda: services.recheck_commit(actor=user, campaign_id=campaign.pk,
                                                            ratio=p.get("ratio") or None),
                   _("已锁定已销号问题名单并公布承诺值，请录入公开号码。"))
        if row:
            return redirect("ledger:recheck", row.pk)
    elif action == "rule":
        _run(request, lambda: services.rule_record(
            actor=user, campaign_id=campaign.pk, title=p.get("title", ""), adopted_on=p.get("adopted_on"),
            doc_number=p.get("doc_number", ""), summary=p.get("summary", ""), problem_ids=p.getlist("problems"),
            upload=request.FILES.get("file")), _("制度成果已记录。"))
    elif action == "consultation":
        from ..services import consult

        _run(request, lambda: consult.consultation_record(
            actor=user, campaign_id=campaign.pk, kind=p.get("kind", ""), held_on=p.get("held_on", ""),
            place=p.get("place", ""), participants=p.get("participants", ""), summary=p.get("summary", ""),
            opinions=p.get("opinions", "").splitlines(), upload=request.FILES.get("file")), _("已记录。"))
    else:
        raise Http404
    return redirect("ledger:board", campaign.pk)


@requires("ledger.view")
def export(request, pk: int, fmt: str):
    try:
        data, name, ctype = bulk.campaign_export(actor=request.user, campaign_id=pk, fmt=fmt)
    except ValidationError:
        raise Http404 from None
    return _download(data, name, ctype)


@requires("ledger.view")
def filing_download(request, pk: int, fmt: str):
    filing = get_object_or_404(Filing.objects.select_related("campaign__lead_office"), pk=pk,
                               campaign__in=campaigns_for(request.user))
    if fmt == "xlsx":
        return _download(bulk.export_xlsx(filing.campaign, filing.rows, number=filing.number),
                         f"{filing.number}.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    if fmt == "docx":
        return _download(bulk.export_docx(filing.campaign, filing.rows, number=filing.number), f"{filing.number}.docx",
                         "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    raise Http404


@requires("ledger.manage")
def import_template(request):
    return _download(bulk.import_template(), "整改台账导入模板.xlsx",
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@requires("ledger.view")
def import_job(request, pk: int):
    job = get_object_or_404(ImportJob.objects.select_related("campaign", "attachment"), pk=pk,
                            campaign__in=campaigns_for(request.user))
    return render(request, "ledger/import_job.html", {"job": job})


# --- problems ---------------------------------------------------------------------------------


@requires("ledger.view")
def problem(request, pk: int):
    prob = get_problem_for(request.user, pk)
    acts = selectors.available_actions(request.user, prob)
    evidence = list(Evidence.objects.filter(problem=prob).select_related("organisation", "attachment", "submitted_by"))
    return render(request, "ledger/problem.html", {
        "p": prob, "acts": acts, "history": selectors.history(prob), "evidence": evidence,
        "milestones": services.milestones_of(prob),
        "missing": services.missing_evidence(prob) if prob.status == Status.RECTIFYING else [],
        "pending": selectors.pending_closeout(prob), "closeouts": prob.closeouts.select_related("decided_by"),
        "units": [prob.lead_unit, *prob.co_units.all()] if prob.lead_unit else [],
        "children": selectors.with_units(prob.children.all()), "rules": prob.rules.all(),
        "presses": supervision.presses_of(prob), "recheck_items": prob.recheck_items.select_related("recheck"),
        "all_units": _units(request.user) if "assign" in acts else [],
        "leaders": _leaders(request.user) if "assign" in acts else [],
        "co_ids": {u.pk for u in prob.co_units.all()},
    })


@require_POST
@requires("ledger.view")
def problem_act(request, pk: int, action: str):
    prob = get_problem_for(request.user, pk)
    p, user, version = request.POST, request.user, _int(request.POST.get("row_version"))
    if action == "assign":
        _run(request, lambda: services.task_assign(
            actor=user, problem_id=prob.pk, measures=p.get("measures", ""), lead_unit_id=p.get("lead_unit"),
            leader_id=p.get("leader"), limit_days=p.get("limit_days"), co_unit_ids=p.getlist("co_units"),
            steps_total=p.get("steps_total") or 0, expected_version=version), _("整改任务已交办。"))
    elif action == "progress":
        _run(request, lambda: services.task_progress(
            actor=user, problem_id=prob.pk, progress=p.get("progress"), steps_done=p.get("steps_done"),
            note=p.get("note", ""), expected_version=version), _("进展已更新。"))
    elif action == "evidence":
        _run(request, lambda: services.evidence_submit(
            actor=user, problem_id=prob.pk, unit_id=p.get("unit"), note=p.get("note", ""),
            upload=request.FILES.get("file"), expected_version=version), _("整改佐证已提交。"))
    elif action == "milestone_add":
        _run(request, lambda: services.milestone_add(
            actor=user, problem_id=prob.pk, title=p.get("title", ""), days=p.get("days"), due_on=p.get("due_on"),
            expected_version=version), _("整改节点已安排。"))
    elif action == "milestone_done":
        _run(request, lambda: services.milestone_done(
            actor=user, problem_id=prob.pk, milestone_id=p.get("milestone"), note=p.get("note", ""),
            upload=request.FILES.get("file"), expected_version=version), _("节点完成情况已报告。"))
    elif action == "closeout_submit":
        _run(request, lambda: services.closeout_submit(actor=user, problem_id=prob.pk, summary=p.get("summary", ""),
                                                       expected_version=version), _("已申请销号，待责任领导签批。"))
    elif action == "closeout_decide":
        approve = p.get("approve") == "1"
        _run(request, lambda: services.closeout_decide(actor=user, problem_id=prob.pk, approve=approve,
                                                       reasons=p.get("reasons", ""), expected_version=version),
             _("已同意销号。") if approve else _("已退回整改。"))
    elif action == "press":
        _run(request, lambda: services.problem_press(actor=user, problem_id=prob.pk, note=p.get("note", "")),
             _("已督办。"))
    else:
        raise Http404
    return redirect("ledger:problem", prob.pk)


@require_POST
@requires("ledger.view")
def convert(request):
    """一键转为问题: from an appeal, an upheld bad review, a survey answer, a forum opinion or an
    inspection result with findings."""
    p, user = request.POST, request.user
    kind, source_id, campaign_id = p.get("kind"), _int(p.get("id")), _int(p.get("campaign"))
    calls = {
        "appeal": lambda: services.problem_from_appeal(actor=user, campaign_id=campaign_id, appeal_id=source_id),
        "rating": lambda: services.problem_from_rating(actor=user, campaign_id=campaign_id, rating_id=source_id),
        "answer": lambda: services.problem_from_answer(actor=user, answer_id=source_id, campaign_id=campaign_id),
        "opinion": lambda: services.problem_from_opinion(actor=user, opinion_id=source_id),
        "result": lambda: services.problem_from_result(actor=user, campaign_id=campaign_id, result_id=source_id),
    }
    if kind not in calls or source_id is None:
        raise Http404
    made = _run(request, calls[kind], _("已转为整改问题。"))
    if made:
        return redirect("ledger:problem", made.pk)
    return redirect(request.POST.get("next") or "ledger:index")


@requires("ledger.view")
def evidence_file(request, pk: int):
    from ..permissions import problems_for

    row = get_object_or_404(Evidence.objects.select_related("attachment"), pk=pk,
                            problem__in=problems_for(request.user), attachment__isnull=False)
    return attachments.download_response(row.attachment)


@requires("ledger.rectify")
def tasks(request):
    return render(request, "ledger/tasks.html", {"problems": selectors.unit_tasks(request.user)[:200],
                                                 "title": _("本单位整改任务")})


@requires("ledger.signoff")
def signoff(request):
    return render(request, "ledger/tasks.html", {"problems": selectors.signoff_queue(request.user)[:200],
                                                 "title": _("销号签批"), "signoff": True})


# --- re-checks --------------------------------------------------------------------------------


@requires("ledger.view")
def recheck(request, pk: int):
    row = get_object_or_404(Recheck.objects.select_related("campaign__lead_office", "entered_by", "confirmed_by"),
                            pk=pk, campaign__in=campaigns_for(request.user))
    if request.method == "POST":
        p, user = request.POST, request.user
        step = p.get("step")
        if step == "enter":
            _run(request, lambda: services.recheck_enter(actor=user, recheck_id=row.pk, numbers=p.get("numbers", ""),
                                                         source=p.get("source", "")), _("号码已录入，请另一人复核。"))
        elif step == "confirm":
            _run(request, lambda: services.recheck_confirm(actor=user, recheck_id=row.pk, numbers=p.get("numbers", "")),
                 _("复核一致，已抽取回头看问题。"))
        elif step == "result":
            item = get_object_or_404(RecheckItem, pk=_int(p.get("item")), recheck=row)
            _run(request, lambda: services.recheck_result(actor=user, item_id=item.pk, passed=p.get("passed") == "1",
                                                          note=p.get("note", "")), _("复查结果已记录。"))
        else:
            raise Http404
        return redirect("ledger:recheck", row.pk)
    can = has_perm(request.user, "ledger.recheck") and leads(request.user, row.campaign)
    return render(request, "ledger/recheck.html", {
        "r": row, "items": row.items.select_related("problem", "checked_by"), "can": can,
        "k": len(row.selected) if row.selected else None,
    })


# --- consultations ----------------------------------------------------------------------------


@requires("ledger.view")
def consultation(request, pk: int):
    row = get_object_or_404(Consultation.objects.select_related("campaign", "attachment"), pk=pk,
                            campaign__in=campaigns_for(request.user))
    if request.method == "POST":
        if not has_perm(request.user, "ledger.consult"):
            raise PermissionDenied(_("您没有执行此操作的权限。"))
        from ..services import consult

        p = request.POST
        _run(request, lambda: consult.opinion_answer(actor=request.user, opinion_id=_int(p.get("opinion")),
                                                     decision=p.get("decision", ""), reply=p.get("reply", "")),
             _("答复已保存。"))
        return redirect("ledger:consultation", row.pk)
    converted = set(Problem.objects.filter(source_opinion__consultation=row).values_list("source_opinion_id", flat=True))
    return render(request, "ledger/consultation.html", {
        "c": row, "opinions": row.opinions.all(), "converted": converted,
        "can": has_perm(request.user, "ledger.consult"),
        "can_convert": has_perm(request.user, "ledger.manage") and leads(request.user, row.campaign),
    })


@requires("ledger.view")
def consultation_file(request, pk: int):
    row = get_object_or_404(Consultation.objects.select_related("attachment"), pk=pk,
                            campaign__in=campaigns_for(request.user), attachment__isnull=False)
    return attachments.download_response(row.attachment)


__all__ = ["may_manage"]
