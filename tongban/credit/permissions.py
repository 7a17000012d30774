"""Who may see and act on credit data, and the fetch-and-authorise helpers.

Staff see the records their organisation's subtree made; the credit administrator acts on them.
Evaluation runs, scores and breakdowns are seen by the organisation that ran the evaluation and
its subordinates (published grades are public on purpose, in views_public).
An enterprise's users see the enterprise's records, a citizen their own; anything else is a 404.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from tongban.accounts.models import Role
from tongban.core.permissions import grant, has_perm, scope_q

from .models import CreditRecord, Evaluation, EvaluationRun, Objection, Repair

VIEW = "credit.view"
MANAGE = "credit.manage"  # commitments, imports, lists
DECIDE = "credit.decide"  # repairs and objections
EVALUATE = "credit.evaluate"  # evaluation runs and their publication

for _role in (Role.CREDIT_ADMIN, Role.SUPERVISOR, Role.APPROVER, Role.ADMIN):
    grant(_role, VIEW)
grant(Role.CREDIT_ADMIN, MANAGE, DECIDE, EVALUATE)


def subject_codes_of(actor) -> list[str]:
    """The credit subjects an applicant speaks for: the enterprise's USCC, or the citizen's ID."""
    if not getattr(actor, "is_authenticated", False) or getattr(actor, "is_staff_member", False):
        return []
    if actor.enterprise_id:
        return [actor.enterprise.uscc]
    return [actor.citizen_id] if actor.citizen_id else []


def records_for(actor) -> QuerySet[CreditRecord]:
    if not getattr(actor, "is_authenticated", False):
        return CreditRecord.objects.none()
    if actor.is_superuser:
        return CreditRecord.objects.all()
    if actor.is_staff_member:
        if not has_perm(actor, VIEW):
            return CreditRecord.objects.none()
        return CreditRecord.objects.filter(scope_q(actor))
    codes = subject_codes_of(actor)
    return CreditRecord.objects.filter(subject_code__in=codes) if codes else CreditRecord.objects.none()


def get_record_for(actor, pk: int, *, for_update: bool = False) -> CreditRecord:
    qs = records_for(actor).select_related("organisation", "rule")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    record = qs.filter(pk=pk).first()
    if record is None:
        raise Http404("信用记录不存在或不在您的管辖范围内。")
    return record


def repairs_for(actor) -> QuerySet[Repair]:
    return Repair.objects.filter(record__in=records_for(actor))


def get_repair_for(actor, pk: int, *, for_update: bool = False) -> Repair:
    qs = repairs_for(actor).select_related("record__organisation", "record__rule", "applicant")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    row = qs.filter(pk=pk).first()
    if row is None:
        raise Http404("修复申请不存在或不在您的管辖范围内。")
    return row


def objections_for(actor) -> QuerySet[Objection]:
    if not getattr(actor, "is_authenticated", False):
        return Objection.objects.none()
    if actor.is_superuser:
        return Objection.objects.all()
    if actor.is_staff_member:
        return Objection.objects.filter(scope_q(actor)) if has_perm(actor, VIEW) else Objection.objects.none()
    return Objection.objects.filter(Q(submitted_by=actor) | Q(subject_code__in=subject_codes_of(actor) or ["-"]))


def get_objection_for(actor, pk: int, *, for_update: bool = False) -> Objection:
    qs = objections_for(actor).select_related("record", "repair", "evaluation", "list_entry__credit_list")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    row = qs.filter(pk=pk).first()
    if row is None:
        raise Http404("异议不存在或不在您的管辖范围内。")
    return row


def runs_for(actor) -> QuerySet[EvaluationRun]:
    """Evaluation runs made by the actor's organisation subtree; a run with no organisation
    (made before runs were scoped) only by a superuser."""
    if not getattr(actor, "is_authenticated", False) or not getattr(actor, "is_staff_member", False):
        return EvaluationRun.objects.none()
    if actor.is_superuser:
        return EvaluationRun.objects.all()
    if not has_perm(actor, VIEW):
        return EvaluationRun.objects.none()
    return EvaluationRun.objects.filter(scope_q(actor))


def get_run_for(actor, pk: int, *, for_update: bool = False) -> EvaluationRun:
    qs = runs_for(actor).select_related("method", "organisation")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    run = qs.filter(pk=pk).first()
    if run is None:
        raise Http404("评价批次不存在或不在您的管辖范围内。")
    return run


def evaluations_for(actor) -> QuerySet[Evaluation]:
    return Evaluation.objects.filter(run__in=runs_for(actor))


def get_evaluation_for(actor, pk: int) -> Evaluation:
    ev = evaluations_for(actor).select_related("run__method").filter(pk=pk).first()
    if ev is None:
        raise Http404("评价结果不存在或不在您的管辖范围内。")
    return ev
