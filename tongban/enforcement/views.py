"""Pages: officers' cases and the head's, reviewer's and re-review queues, the case page with the
actions the state machine offers; the party's cases on the portal; public baselines and
published decisions (persons' names masked)."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tongban.core import timeutil
from tongban.core.attachments import download_response
from tongban.core.errors import Conflict, errors_dict
from tongban.core.errors import errors_text as _errors
from tongban.core.pagination import CappedPaginator
from tongban.core.permissions import has_perm, require_applicant, requires, scope_q

from . import documents, selectors, services
from .models import (
    Baseline,
    Document,
    EnforcementCase,
    PartyKind,
    PenaltyKind,
    Procedure,
    Record,
    RereviewOutcome,
    ReviewOpinion,
    Source,
    Status,
)
from .permissions import cases_for, get_case_for, is_party_of
from .state import ACTION_LABELS, available_actions

QUEUE_TITLES = {"": _("行政执法案件"), "mine": _("我承办的案件"), "review": _("法制审核"), "head": _("负责人审批"),
                "rereview": _("内部复核")}


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _yuan_to_fen(value) -> int | None:
    from decimal import Decimal, InvalidOperation

    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        raise ValidationError({"fine_fen": [_("请填写正确的罚款金额（元）。")]}) from None
    if amount < 0 or amount > Decimal("100000000000"):
        raise ValidationError({"fine_fen": [_("请填写正确的罚款金额（元）。")]})
    return int(amount * 100)


# --- staff ------------------------------------------------------------------------------------


def _list(request, queue: str):
    status = request.GET.get("status", "")
    q = request.GET.get("q", "")
    qs = selectors.case_list(request.user, queue=queue, status=status, q=q)
    page = CappedPaginator(qs, 25).get_page(request.GET.get("page"))
    return render(request, "enforcement/list.html", {
        "page": page, "status": status, "q": q, "queue": queue, "title": QUEUE_TITLES[queue],
        "statuses": Status.choices, "today": timeutil.today(),
        "may_create": has_perm(request.user, "enforcement.investigate"),
    })


@requires("enforcement.view")
def case_list(request):
    return _list(request, request.GET.get("queue", "") if request.GET.get("queue") in ("mine",) else "")


@requires("enforcement.legal_review")
def queue_review(request):
    return _list(request, "review")


@requires("enforcement.approve")
def queue_head(request):
    return _list(request, "head")


@requires("enforcement.rereview")
def queue_rereview(request):
    return _list(request, "rereview")


@requires("enforcement.investigate")
def case_new(request):
    from tongban.accounts.models import Role, User
    from tongban.accounts.permissions import organisations_in_scope

    orgs = list(organisations_in_scope(request.user))
    officers = User.objects.filter(scope_q(request.user), roles__role=Role.INSPECTOR, is_active=True).distinct()
    data = request.POST if request.method == "POST" else {"appeal_id": request.GET.get("appeal", "")}
    errors: dict = {}
    if request.method == "POST":
        org = next((o for o in orgs if str(o.pk) == request.POST.get("organisation")), None)
        try:
            case = services.case_create(
                actor=request.user, organisation=org, data=request.POST,
                officer_ids=request.POST.getlist("officers"), appeal_id=_int(request.POST.get("appeal_id")),
            )
        except ValidationError as exc:
            errors = errors_dict(exc)
            messages.error(request, _("登记未成功：") + _errors(exc))
        except Conflict as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已登记案件 %(n)s，待负责人审批立案。") % {"n": case.number})
            return redirect("enforcement:detail", case.pk)
    return render(request, "enforcement/new.html", {
        "orgs": orgs, "officers": officers, "data": data, "errors": errors,
        "sources": [c for c in Source.choices if c[0] != Source.INSPECTION], "party_kinds": PartyKind.choices,
    }, status=400 if errors else 200)


def _case_context(request, case: EnforcementCase) -> dict:
    from tongban.accounts.models import Role, User
    from tongban.core.masking import mask_citizen_id

    from .models import fen_to_yuan

    today = timeutil.today()
    item = case.baseline_item
    amount = services.amount_due(case, today)
    amount.update(surcharge_yuan=fen_to_yuan(amount["surcharge_fen"]), total_yuan=fen_to_yuan(amount["total_fen"]),
                  total_yuan_plain=f"{amount['total_fen'] / 100:.2f}")
    timeline = list(selectors.timeline(case))
    for t in timeline:
        t.label = ACTION_LABELS.get(t.action, _("登记案件") if t.action == "create" else t.action)
    p = case.proposal or {}
    proposal_text = ""
    if p:
        kind = dict(PenaltyKind.choices).get(p.get("penalty_kind"), "")
        proposal_text = f"{kind} ¥{fen_to_yuan(p['low_fen'])} — ¥{fen_to_yuan(p['high_fen'])}，" \
                        f"{_('建议')} ¥{fen_to_yuan(p['fine_fen'])}" if p.get("penalty_kind") == "fine" else str(kind)
    return {
        "case": case, "today": today, "amount": amount, "proposal_text": proposal_text,
        "masked_id": mask_citizen_id(case.party_id_number),
        "timeline": timeline,
        "records": case.records.prefetch_related("officers", "attachments").order_by("on", "id"),
        "documents": case.documents.all() if request.user.is_staff_member else case.documents.filter(for_party=True),
        "officers": case.officers.all(),
        "blockers": services.decide_blockers(case, today) if case.status in (Status.NOTIFIED, Status.HEARING,
                                                                             Status.INVESTIGATING) else [],
        "actions": {a.value for a in available_actions(request.user, case)},
        "item": item,
        "clauses": item.clauses.all() if item else [],
        "Status": Status,
        "labels": ACTION_LABELS,
        "baseline_items": _baseline_items(case) if request.user.is_staff_member else [],
        "inspectors": User.objects.filter(roles__role=Role.INSPECTOR, is_active=True,
                                          organisation__path__startswith=case.organisation.agency().path).distinct()
        if request.user.is_staff_member else [],
        "staff": User.objects.filter(kind=User.Kind.STAFF, is_active=True,
                                     organisation__path__startswith=case.organisation.agency().path)
        .exclude(pk__in=case.officers.values("pk")) if request.user.is_staff_member else [],
        "record_kinds": [k for k in Record.Kind.choices if k[0] in services.investigation.OFFICER_KINDS],
        "penalty_kinds": PenaltyKind.choices, "procedures": Procedure.choices, "opinions": ReviewOpinion.choices,
        "outcomes": RereviewOutcome.choices,
    }


def _baseline_items(case):
    from .models import BaselineItem

    return BaselineItem.objects.filter(baseline__in=services.baselines_for(case)).select_related("baseline") \
        .prefetch_related("clauses")


@requires("enforcement.view")
def case_detail(request, pk: int):
    case = get_case_for(request.user, pk)
    return render(request, "enforcement/detail.html", _case_context(request, case))


def _files(request):
    return request.FILES.getlist("files")


ACTIONS = {
    "register": lambda u, pk, p, f, v: services.case_register(actor=u, case_id=pk, note=p.get("note", ""),
                                                              expected_version=v),
    "refuse_registration": lambda u, pk, p, f, v: services.case_refuse_registration(
        actor=u, case_id=pk, reason=p.get("reason", ""), expected_version=v),
    "record": lambda u, pk, p, f, v: services.record_add(
        actor=u, case_id=pk, kind=p.get("kind", ""), on=p.get("on") or None, content=p.get("content", ""),
        place=p.get("place", ""), officer_ids=p.getlist("officers"), files=f, expected_version=v),
    "propose": lambda u, pk, p, f, v: services.penalty_propose(
        actor=u, case_id=pk, baseline_item_id=_int(p.get("baseline_item")) or 0, facts=p.getlist("facts"),
        penalty_kind=p.get("penalty_kind", ""), fine_fen=_yuan_to_fen(p.get("fine_yuan")),
        departure_reason=p.get("departure_reason", ""), procedure=p.get("procedure") or Procedure.GENERAL,
        expected_version=v),
    "prior_notice": lambda u, pk, p, f, v: services.prior_notice(actor=u, case_id=pk, expected_version=v),
    "deliver_notice": lambda u, pk, p, f, v: services.notice_deliver(
        actor=u, case_id=pk, delivered_on=p.get("delivered_on") or None, method=p.get("method") or "直接送达",
        expected_version=v),
    "statement": lambda u, pk, p, f, v: services.statement_submit(actor=u, case_id=pk, content=p.get("content", ""),
                                                                  files=f, expected_version=v),
    "hearing_request": lambda u, pk, p, f, v: services.hearing_request(actor=u, case_id=pk, reason=p.get("reason", ""),
                                                                       expected_version=v),
    "hearing_schedule": lambda u, pk, p, f, v: services.hearing_schedule(
        actor=u, case_id=pk, hearing_on=p.get("hearing_on", ""), chair_id=_int(p.get("chair")) or 0,
        public=p.get("public") == "1", closed_reason=p.get("closed_reason", ""), place=p.get("place", ""),
        expected_version=v),
    "hearing_hold": lambda u, pk, p, f, v: services.hearing_hold(
        actor=u, case_id=pk, held_on=p.get("held_on") or None, record=p.get("record", ""), files=f, expected_version=v),
    "legal_review": lambda u, pk, p, f, v: services.legal_review(
        actor=u, case_id=pk, opinion=p.get("opinion", ""), reasons=p.get("reasons", ""), expected_version=v),
    "collective": lambda u, pk, p, f, v: services.case_collective(actor=u, case_id=pk, minutes=p.get("minutes", ""),
                                                                  files=f, expected_version=v),
    "extend": lambda u, pk, p, f, v: services.case_extend(actor=u, case_id=pk, reason=p.get("reason", ""),
                                                          expected_version=v),
    "decide": lambda u, pk, p, f, v: services.case_decide(
        actor=u, case_id=pk, penalty_kind=p.get("penalty_kind", ""), fine_fen=_yuan_to_fen(p.get("fine_yuan")),
        reasons=p.get("reasons", ""), education_record=p.get("education_record", ""),
        departure_reason=p.get("departure_reason", ""), expected_version=v),
    "deliver": lambda u, pk, p, f, v: services.case_deliver(
        actor=u, case_id=pk, delivered_on=p.get("delivered_on") or None, method=p.get("method") or "直接送达",
        expected_version=v),
    "execute": lambda u, pk, p, f, v: services.case_execute(
        actor=u, case_id=pk, paid_on=p.get("paid_on") or None, paid_fen=_yuan_to_fen(p.get("paid_yuan")) or 0,
        note=p.get("note", ""), expected_version=v),
    "close": lambda u, pk, p, f, v: services.case_close(actor=u, case_id=pk, note=p.get("note", ""), expected_version=v),
    "publish": lambda u, pk, p, f, v: services.case_publish(actor=u, case_id=pk, expected_version=v),
    "revoke": lambda u, pk, p, f, v: services.case_revoke(actor=u, case_id=pk, reason=p.get("reason", ""),
                                                          expected_version=v),
    "rereview": lambda u, pk, p, f, v: services.case_rereview(
        actor=u, case_id=pk, outcome=p.get("outcome", ""), reason=p.get("reason", ""), expected_version=v),
    "press": lambda u, pk, p, f, v: services.case_press(actor=u, case_id=pk, note=p.get("note", "")),
}
PARTY_ACTIONS = {"statement", "hearing_request"}


def _act(request, pk: int, action: str, back: str):
    try:
        ACTIONS[action](request.user, pk, request.POST, _files(request), _int(request.POST.get("row_version")))
    except ValidationError as exc:
        messages.error(request, _("操作未完成：") + _errors(exc))
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已完成：%(a)s。") % {"a": ACTION_LABELS.get(action, action)})
    return redirect(back, pk)


@require_POST
@requires("enforcement.view")
def case_act(request, pk: int, action: str):
    if action not in ACTIONS:
        raise Http404
    return _act(request, pk, action, "enforcement:detail")


def _document(request, case, doc_id: int, fmt: str):
    qs = Document.objects.filter(case=case)
    if not request.user.is_staff_member:
        qs = qs.filter(for_party=True)
    doc = get_object_or_404(qs, pk=doc_id)
    try:
        if fmt == "pdf":
            body, ctype = documents.render_pdf(doc), "application/pdf"
        elif fmt == "docx":
            body = documents.render_docx(doc)
            ctype = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        else:
            raise Http404
    except documents.FontUnavailable as exc:
        return HttpResponse(exc.message, status=503, content_type="text/plain; charset=utf-8")
    response = HttpResponse(body, content_type=ctype)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(documents.filename(doc, fmt))}"
    return response


@requires("enforcement.view")
def document_download(request, pk: int, doc_id: int, fmt: str):
    return _document(request, get_case_for(request.user, pk), doc_id, fmt)


@requires("enforcement.view")
def file_download(request, pk: int, record_id: int, file_id: int):
    case = get_case_for(request.user, pk)
    record = get_object_or_404(Record, pk=record_id, case=case)
    return download_response(get_object_or_404(record.attachments, pk=file_id))


# --- discretion baselines (the legal office) ------------------------------------------------

BASELINE_PERM = "enforcement.baseline_manage"


@requires(BASELINE_PERM)
def baseline_list(request):
    from tongban.accounts.permissions import organisations_in_scope

    from .permissions import baselines_managed_by

    data, errors = {}, {}
    orgs = list(organisations_in_scope(request.user).select_related("parent").order_by("path"))
    if request.method == "POST":
        data = request.POST
        org = next((o for o in orgs if str(o.pk) == request.POST.get("organisation")), None)
        try:
            draft = services.baseline_create(actor=request.user, organisation=org, code=data.get("code", ""),
                                             title=data.get("title", ""), basis=data.get("basis", ""))
        except ValidationError as exc:
            errors = errors_dict(exc)
            messages.error(request, _("新建未成功：") + _errors(exc))
        else:
            messages.success(request, _("已新建裁量基准 %(l)s（草稿），请添加违法行为和裁量情形后公布。") % {"l": draft.label})
            return redirect("enforcement:baseline", draft.pk)
    rows = selectors.label_states(baselines_managed_by(request.user).with_replaced(timeutil.today())
                                  .select_related("organisation").order_by("organisation__path", "code", "-version"))
    groups: dict[tuple, dict] = {}
    for b in rows:
        g = groups.setdefault((b.organisation_id, b.code), {"code": b.code, "organisation": b.organisation,
                                                            "title": b.title, "versions": [], "draft": None})
        g["versions"].append(b)
        if b.state == "draft":
            g["draft"] = b
    for g in groups.values():
        g["latest"] = next((b for b in g["versions"] if b.state != "draft"), None)
    return render(request, "enforcement/baselines.html", {
        "groups": list(groups.values()), "orgs": orgs, "data": data, "errors": errors,
    }, status=400 if errors else 200)


def _plain_yuan(fen: int) -> str:
    yuan, cents = divmod(int(fen or 0), 100)
    return f"{yuan}" if not cents else f"{yuan}.{cents:02d}"


def _item_data(item) -> dict:
    return {"code": item.code, "violation": item.violation, "violated_provision": item.violated_provision,
            "penalty_provision": item.penalty_provision, "scheme": item.scheme, "min_yuan": _plain_yuan(item.min_fen),
            "max_yuan": _plain_yuan(item.max_fen), "other_penalty": item.other_penalty}


def _clause_data(clause) -> dict:
    return {"code": clause.code, "circumstance": clause.circumstance, "condition": clause.condition,
            "penalty_kind": clause.penalty_kind, "low_pct": clause.low_pct, "high_pct": clause.high_pct}


BASELINE_ACTIONS = {
    "meta": lambda u, b, p: services.baseline_meta_save(actor=u, baseline_id=b.pk, title=p.get("title", ""),
                                                        basis=p.get("basis", "")),
    "item": lambda u, b, p: services.baseline_item_save(actor=u, baseline_id=b.pk, data=p,
                                                        item_id=_int(p.get("item_id"))),
    "item_delete": lambda u, b, p: services.baseline_item_delete(actor=u, item_id=_int(p.get("item_id")) or 0),
    "clause": lambda u, b, p: services.baseline_clause_save(actor=u, item_id=_int(p.get("item_id")) or 0, data=p,
                                                            clause_id=_int(p.get("clause_id"))),
    "clause_delete": lambda u, b, p: services.baseline_clause_delete(actor=u, clause_id=_int(p.get("clause_id")) or 0),
    "publish": lambda u, b, p: services.baseline_publish(actor=u, baseline_id=b.pk,
                                                         effective_from=p.get("effective_from", "")),
    "new_version": lambda u, b, p: services.baseline_new_version(actor=u, baseline_id=b.pk),
    "delete_draft": lambda u, b, p: services.baseline_draft_delete(actor=u, baseline_id=b.pk),
}
BASELINE_DONE = {
    "meta": _("已保存基本信息。"), "item": _("已保存违法行为。"), "item_delete": _("已删除违法行为。"),
    "clause": _("已保存裁量情形。"), "clause_delete": _("已删除裁量情形。"), "publish": _("已公布。"),
    "new_version": _("已新建版本（草稿），内容复制自所选版本。"), "delete_draft": _("已删除草稿。"),
}


def _form_key(action: str, post) -> str:
    if action == "item":
        return f"item-{post.get('item_id') or 'new'}"
    if action == "clause":
        return f"clause-{post.get('item_id')}-{post.get('clause_id') or 'new'}"
    return action


@requires(BASELINE_PERM)
def baseline_detail(request, pk: int):
    """The editor of a draft (its name, violations, circumstances with their bands, publication);
    a published version is shown read-only with the way to start its next version."""
    from .models import BaselineClause, BaselineItem, Circumstance
    from .permissions import get_baseline_for

    baseline = get_baseline_for(request.user, pk)
    form = {"key": request.GET.get("edit", ""), "data": {}, "errors": {}}
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in BASELINE_ACTIONS:
            raise Http404
        # Items and clauses named in the form must belong to the version on this page.
        item_id, clause_id = _int(request.POST.get("item_id")), _int(request.POST.get("clause_id"))
        if item_id and not BaselineItem.objects.filter(pk=item_id, baseline=baseline).exists():
            raise Http404
        if clause_id and not BaselineClause.objects.filter(pk=clause_id, item__baseline=baseline).exists():
            raise Http404
        try:
            result = BASELINE_ACTIONS[action](request.user, baseline, request.POST)
        except ValidationError as exc:
            errors = errors_dict(exc)
            form = {"key": _form_key(action, request.POST), "data": request.POST, "errors": errors,
                    "messages": [m for msgs in errors.values() for m in msgs]}
            messages.error(request, _("未保存：") + _errors(exc))
        except Conflict as exc:
            messages.error(request, exc.message)
            return redirect("enforcement:baseline", baseline.pk)
        else:
            messages.success(request, BASELINE_DONE[action])
            if action == "delete_draft":
                return redirect("enforcement:baselines")
            if action == "new_version":
                return redirect("enforcement:baseline", result.pk)
            return redirect("enforcement:baseline", baseline.pk)
    selectors.label_states([baseline])
    items = list(baseline.items.prefetch_related("clauses"))
    for item in items:
        item.form_key = f"item-{item.pk}"
        item.new_clause_key = f"clause-{item.pk}-new"
        item.rows = []
        for clause, band in zip(item.clauses.all(), item.band_rows, strict=True):
            clause.form_key = f"clause-{item.pk}-{clause.pk}"
            clause.band = band["band"]
            item.rows.append(clause)
        if form["key"] == item.form_key and not form["data"]:
            form["data"] = _item_data(item)
        for clause in item.rows:
            if form["key"] == clause.form_key and not form["data"]:
                form["data"] = _clause_data(clause)
    if form["key"] == "meta" and not form["data"]:
        form["data"] = {"title": baseline.title, "basis": baseline.basis}
    draft = baseline.status == Baseline.Status.DRAFT
    sibling_draft = None if draft else Baseline.objects.filter(
        organisation_id=baseline.organisation_id, code=baseline.code, status=Baseline.Status.DRAFT).first()
    return render(request, "enforcement/baseline.html", {
        "baseline": baseline, "items": items, "form": form, "draft": draft, "sibling_draft": sibling_draft,
        "schemes": BaselineItem.Scheme.choices, "circumstances": Circumstance.choices,
        "penalty_kinds": PenaltyKind.choices, "today": timeutil.today(),
        "used_by": EnforcementCase.objects.filter(baseline_item__baseline=baseline).count(),
    }, status=400 if form["errors"] else 200)


# --- the party ------------------------------------------------------------------------------


def my_cases(request):
    require_applicant(request)
    qs = cases_for(request.user).select_related("organisation").order_by("-id")
    page = CappedPaginator(qs, 20).get_page(request.GET.get("page"))
    return render(request, "enforcement/my_cases.html", {"page": page})


def my_case(request, pk: int):
    require_applicant(request)
    case = get_case_for(request.user, pk)
    ctx = _case_context(request, case)
    ctx["records"] = case.records.filter(kind=Record.Kind.STATEMENT, created_by=request.user)
    return render(request, "enforcement/my_case.html", ctx)


@require_POST
def my_case_act(request, pk: int, action: str):
    require_applicant(request)
    if action not in PARTY_ACTIONS:
        raise Http404
    case = get_case_for(request.user, pk)
    if not is_party_of(request.user, case):
        raise Http404
    return _act(request, pk, action, "enforcement:my_case")


def my_document(request, pk: int, doc_id: int, fmt: str):
    require_applicant(request)
    return _document(request, get_case_for(request.user, pk), doc_id, fmt)


# --- public ---------------------------------------------------------------------------------


@login_not_required
def public_baselines(request):
    return render(request, "enforcement/public_baselines.html", {"baselines": selectors.published_baselines()})


@login_not_required
def public_baseline(request, pk: int):
    qs = Baseline.objects.exclude(status=Baseline.Status.DRAFT).with_replaced(timeutil.today()) \
        .select_related("organisation")
    baseline = get_object_or_404(qs, pk=pk)
    selectors.label_states([baseline])
    items = baseline.items.prefetch_related("clauses")
    return render(request, "enforcement/public_baseline.html", {
        "baseline": baseline, "items": items,
        "in_force": selectors.in_force_version(baseline) if baseline.state != "in_force" else None,
    })


@login_not_required
def public_decisions(request):
    q = request.GET.get("q", "")[:60]
    page = CappedPaginator(selectors.published_decisions(q), 20).get_page(request.GET.get("page"))
    return render(request, "enforcement/public_decisions.html", {
        "page": page, "rows": [selectors.public_row(c) for c in page], "q": q,
    })
