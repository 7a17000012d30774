"""Discretion baselines (裁量基准) kept by the legal office on staff pages: a new version starts as a
draft copy of the one in force, its violations, circumstances and bands are edited, and it is
published with an effective date. A published version is never edited (proposals and decisions
cite it); proposals use the version in force on their day (`investigation.baselines_for`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from tongban.core import audit
from tongban.core.errors import Conflict
from tongban.core.permissions import deny, has_perm, in_scope

from ..models import Baseline, BaselineClause, BaselineItem, Circumstance, PenaltyKind
from ._common import _today

PERM = "enforcement.baseline_manage"


def _require(actor, baseline: Baseline | None = None, organisation=None) -> None:
    org = organisation or (baseline.organisation if baseline else None)
    if not (getattr(actor, "is_staff_member", False) or getattr(actor, "is_superuser", False)):
        raise deny(actor, PERM, baseline)
    if not has_perm(actor, PERM) or (org is not None and not in_scope(actor, org)):
        raise deny(actor, PERM, baseline)


def _lock_draft(actor, baseline_id: int) -> Baseline:
    baseline = Baseline.objects.select_for_update().select_related("organisation").filter(pk=baseline_id).first()
    if baseline is None:
        raise ValidationError({"baseline": ["裁量基准不存在。"]})
    _require(actor, baseline)
    if baseline.status != Baseline.Status.DRAFT:
        raise Conflict(f"{baseline.label} 已公布，公布的裁量基准不得修改；请新建版本（草稿）后修改并公布。",
                       code="baseline_published")
    return baseline


@transaction.atomic
def baseline_new_version(*, actor, baseline_id: int) -> Baseline:
    """A draft copy of a version (usually the one in force): items and clauses copied, version + 1."""
    source = Baseline.objects.select_related("organisation").filter(pk=baseline_id).first()
    if source is None:
        raise ValidationError({"baseline": ["裁量基准不存在。"]})
    _require(actor, source)
    if Baseline.objects.filter(organisation=source.organisation, code=source.code,
                               status=Baseline.Status.DRAFT).exists():
        raise Conflict(f"{source.code} 已有未公布的草稿版本，请先修改并公布或删除该草稿。", code="baseline_draft_exists")
    last = Baseline.objects.filter(organisation=source.organisation, code=source.code).aggregate(v=Max("version"))["v"]
    draft = Baseline.objects.create(organisation=source.organisation, code=source.code, version=(last or 0) + 1,
                                    title=source.title, status=Baseline.Status.DRAFT,
                                    effective_from=max(_today(), source.effective_from), basis=source.basis)
    for item in source.items.prefetch_related("clauses"):
        clauses = list(item.clauses.all())
        item.pk, item.baseline = None, draft
        item.save()
        for clause in clauses:
            clause.pk, clause.item = None, item
            clause.save()
    audit.record("enforcement.baseline_new_version", actor=actor, obj=draft,
                 changes={"from": source.label, "to": draft.label})
    return draft


def _fen(value, field: str, label: str, errors: dict) -> int:
    try:
        yuan = Decimal(str(value if value not in (None, "") else "0").replace(",", "").replace("，", "").strip())
    except InvalidOperation:
        errors[field] = [f"{label}应为金额（元）。"]
        return 0
    if not yuan.is_finite() or yuan > Decimal("100000000000"):
        errors[field] = [f"{label}应为金额（元）。"]
        return 0
    if yuan < 0:
        errors[field] = [f"{label}不能为负数。"]
        return 0
    return int(yuan * 100)


@transaction.atomic
def baseline_item_save(*, actor, baseline_id: int, data: Mapping, item_id: int | None = None) -> BaselineItem:
    """Add or edit a violation of a draft: the legal basis is required (《行政处罚法》第四条: 处罚
    依据须为法律、法规、规章), both scales are accepted, amounts in yuan, min ≤ max, never negative."""
    baseline = _lock_draft(actor, baseline_id)
    item = BaselineItem.objects.filter(pk=item_id, baseline=baseline).first() if item_id else BaselineItem(baseline=baseline)
    if item is None:
        raise ValidationError({"item": ["该违法行为不属于此裁量基准。"]})
    errors: dict[str, list[str]] = {}
    code = str(data.get("code") or "").strip()[:40]
    violation = str(data.get("violation") or "").strip()[:200]
    violated = str(data.get("violated_provision") or "").strip()
    provision = str(data.get("penalty_provision") or "").strip()
    scheme = str(data.get("scheme") or "")
    if not code:
        errors["code"] = ["请填写违法行为编号。"]
    elif baseline.items.filter(code=code).exclude(pk=item.pk).exists():
        errors["code"] = [f"编号 {code} 已存在。"]
    if not violation:
        errors["violation"] = ["请填写违法行为。"]
    if not violated:
        errors["violated_provision"] = ["请填写违法依据（法律、法规、规章的条款）。"]
    if not provision:
        errors["penalty_provision"] = ["请填写处罚依据（《行政处罚法》第四条：无依据不得处罚）。"]
    if scheme not in BaselineItem.Scheme.values:
        errors["scheme"] = ["请选择罚款幅度方式：最低至最高罚款，或仅规定最高罚款。"]
    min_fen = _fen(data.get("min_yuan"), "min_yuan", "最低罚款", errors) if scheme == BaselineItem.Scheme.RANGE else 0
    max_fen = _fen(data.get("max_yuan"), "max_yuan", "最高罚款", errors)
    if "max_yuan" not in errors and max_fen <= 0:
        errors["max_yuan"] = ["请填写最高罚款（元），应大于零。"]
    elif not errors.get("min_yuan") and min_fen > max_fen:
        errors["min_yuan"] = ["最低罚款不能高于最高罚款。"]
    if errors:
        raise ValidationError(errors)
    item.code, item.violation, item.violated_provision, item.penalty_provision = code, violation, violated, provision
    item.scheme, item.min_fen, item.max_fen = scheme, min_fen, max_fen
    item.other_penalty = str(data.get("other_penalty") or "").strip()[:200]
    if item.pk is None:
        item.order = (baseline.items.aggregate(o=Max("order"))["o"] or 0) + 1
    item.save()
    audit.record("enforcement.baseline_item_save", actor=actor, obj=baseline,
                 changes={"item": code, "scheme": scheme, "min_fen": min_fen, "max_fen": max_fen})
    return item


def _pct(value, field: str, errors: dict) -> Decimal:
    try:
        pct = Decimal(str(value if value not in (None, "") else "0").replace("%", "").strip())
        if not pct.is_finite() or abs(pct) >= 1000:
            raise InvalidOperation
        return pct.quantize(Decimal("0.01"))
    except InvalidOperation:
        errors[field] = ["幅度应为百分数。"]
        return Decimal(0)


@transaction.atomic
def baseline_clause_save(*, actor, item_id: int, data: Mapping, clause_id: int | None = None) -> BaselineClause:
    """Add or edit a circumstance of a draft's violation with its condition and band. A band is a
    position on the item's scale in percent (docs/adr/0013): on a min–max scale −100…100 (below 0
    only for 减轻), on a maximum-only scale 0…100."""
    item = BaselineItem.objects.select_related("baseline").filter(pk=item_id).first()
    if item is None:
        raise ValidationError({"item": ["违法行为不存在。"]})
    _lock_draft(actor, item.baseline_id)
    clause = BaselineClause.objects.filter(pk=clause_id, item=item).first() if clause_id else BaselineClause(item=item)
    if clause is None:
        raise ValidationError({"clause": ["该情形不属于此违法行为。"]})
    errors: dict[str, list[str]] = {}
    code = str(data.get("code") or "").strip()[:40]
    circumstance = str(data.get("circumstance") or "")
    condition = str(data.get("condition") or "").strip()
    kind = str(data.get("penalty_kind") or PenaltyKind.FINE)
    if not code:
        errors["code"] = ["请填写情形编号。"]
    elif item.clauses.filter(code=code).exclude(pk=clause.pk).exists():
        errors["code"] = [f"情形编号 {code} 已存在。"]
    if circumstance not in Circumstance.values:
        errors["circumstance"] = ["请选择裁量阶次（不予处罚、减轻、从轻、一般、从重）。"]
    if not condition:
        errors["condition"] = ["请填写适用条件。"]
    if kind not in PenaltyKind.values:
        errors["penalty_kind"] = ["请选择处罚种类。"]
    if circumstance == Circumstance.NOT_PUNISHED:
        kind = PenaltyKind.NOT_PUNISHED  # §33: the band of 不予处罚 is no penalty
    low, high = _pct(data.get("low_pct"), "low_pct", errors), _pct(data.get("high_pct"), "high_pct", errors)
    floor = Decimal(-100) if item.scheme == BaselineItem.Scheme.RANGE and circumstance == Circumstance.MITIGATED \
        else Decimal(0)
    if not errors.get("low_pct") and not errors.get("high_pct"):
        if low > high:
            errors["low_pct"] = ["幅度下限不能高于上限。"]
        elif low < floor or high > 100:
            errors["low_pct"] = ["幅度应在 0% 至 100% 之间（最低至最高方式的减轻处罚可低于最低罚款，至 −100%）。"]
    if errors:
        raise ValidationError(errors)
    clause.code, clause.circumstance, clause.condition, clause.penalty_kind = code, circumstance, condition, kind
    clause.low_pct, clause.high_pct = (low, high) if kind == PenaltyKind.FINE else (Decimal(0), Decimal(0))
    if clause.pk is None:
        clause.order = (item.clauses.aggregate(o=Max("order"))["o"] or 0) + 1
    clause.save()
    audit.record("enforcement.baseline_clause_save", actor=actor, obj=item.baseline,
                 changes={"item": item.code, "clause": code, "circumstance": circumstance,
                          "band": [str(clause.low_pct), str(clause.high_pct)]})
    return clause


CODE_CHARS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


@transaction.atomic
def baseline_create(*, actor, organisation, code: str, title: str, basis: str = "") -> Baseline:
    """A new baseline (a code not used before by the organisation), as draft version 1."""
    _require(actor, organisation=organisation)
    if organisation is None:
        raise ValidationError({"organisation": ["请选择制定机关。"]})
    errors: dict[str, list[str]] = {}
    code, title = str(code or "").strip(), str(title or "").strip()
    if not code:
        errors["code"] = ["请填写基准编号。"]
    elif len(code) > 40 or not set(code) <= CODE_CHARS:
        errors["code"] = ["基准编号只能由字母、数字、连字符组成，不超过 40 个字符。"]
    elif Baseline.objects.filter(organisation=organisation, code=code).exists():
        errors["code"] = [f"{organisation.name}已有编号为 {code} 的裁量基准，请在其上新建版本。"]
    if not title:
        errors["title"] = ["请填写基准名称。"]
    elif len(title) > 150:
        errors["title"] = ["基准名称不超过 150 个字符。"]
    if errors:
        raise ValidationError(errors)
    baseline = Baseline.objects.create(organisation=organisation, code=code, version=1, title=title,
                                       status=Baseline.Status.DRAFT, effective_from=_today(),
                                       basis=str(basis or "").strip())
    audit.record("enforcement.baseline_create", actor=actor, obj=baseline, changes={"code": code, "title": title})
    return baseline


@transaction.atomic
def baseline_meta_save(*, actor, baseline_id: int, title: str, basis: str = "") -> Baseline:
    """The draft's name and the rules it is made under (制定依据)."""
    baseline = _lock_draft(actor, baseline_id)
    title = str(title or "").strip()
    if not title or len(title) > 150:
        raise ValidationError({"title": ["请填写基准名称（不超过 150 个字符）。"]})
    baseline.title, baseline.basis = title, str(basis or "").strip()
    baseline.save(update_fields=["title", "basis"])
    audit.record("enforcement.baseline_meta_save", actor=actor, obj=baseline, changes={"title": title})
    return baseline


@transaction.atomic
def baseline_item_delete(*, actor, item_id: int) -> None:
    item = BaselineItem.objects.filter(pk=item_id).first()
    if item is None:
        raise ValidationError({"item": ["违法行为不存在。"]})
    baseline = _lock_draft(actor, item.baseline_id)
    code = item.code
    item.delete()
    audit.record("enforcement.baseline_item_delete", actor=actor, obj=baseline, changes={"item": code})


@transaction.atomic
def baseline_clause_delete(*, actor, clause_id: int) -> None:
    clause = BaselineClause.objects.select_related("item").filter(pk=clause_id).first()
    if clause is None:
        raise ValidationError({"clause": ["裁量情形不存在。"]})
    baseline = _lock_draft(actor, clause.item.baseline_id)
    codes = {"item": clause.item.code, "clause": clause.code}
    clause.delete()
    audit.record("enforcement.baseline_clause_delete", actor=actor, obj=baseline, changes=codes)


@transaction.atomic
def baseline_draft_delete(*, actor, baseline_id: int) -> str:
    """Discard an unpublished draft (nothing cites a draft); returns its label."""
    baseline = _lock_draft(actor, baseline_id)
    label = baseline.label
    audit.record("enforcement.baseline_draft_delete", actor=actor, obj=baseline, changes={"version": label})
    baseline.delete()
    return label


@transaction.atomic
def baseline_publish(*, actor, baseline_id: int, effective_from) -> Baseline:
    """Publish a draft with its effective date (today or later). From that day proposals cite it;
    the version it replaces is superseded once the new one is in force."""
    baseline = _lock_draft(actor, baseline_id)
    if not isinstance(effective_from, dt.date):
        try:
            effective_from = dt.date.fromisoformat(str(effective_from or ""))
        except ValueError:
            raise ValidationError({"effective_from": ["请填写施行日期（格式 2026-01-31）。"]}) from None
    today = _today()
    if effective_from < today:
        raise ValidationError({"effective_from": ["施行日期不能早于今天：裁量基准不溯及既往。"]})
    items = list(baseline.items.prefetch_related("clauses"))
    if not items:
        raise ValidationError({"items": ["裁量基准至少应有一项违法行为。"]})
    bare = [i.code for i in items if not i.clauses.all()]
    if bare:
        raise ValidationError({"items": [f"违法行为 {'、'.join(bare)} 尚无裁量情形。"]})
    baseline.status = Baseline.Status.PUBLISHED
    baseline.effective_from = effective_from
    baseline.published_at = timezone.now()
    baseline.save(update_fields=["status", "effective_from", "published_at"])
    supersede_in_force(baseline.organisation_id, baseline.code, today)
    audit.record("enforcement.baseline_publish", actor=actor, obj=baseline,
                 changes={"version": baseline.label, "effective_from": effective_from.isoformat()})
    return baseline


def supersede_in_force(organisation_id: int, code: str, today: dt.date) -> int:
    """Older published versions of a baseline whose successor is in force become superseded."""
    return (Baseline.objects.filter(organisation_id=organisation_id, code=code, status=Baseline.Status.PUBLISHED)
            .with_replaced(today).filter(replaced=True).update(status=Baseline.Status.SUPERSEDED))


__all__ = [
    "PERM",
    "baseline_clause_delete",
    "baseline_clause_save",
    "baseline_create",
    "baseline_draft_delete",
    "baseline_item_delete",
    "baseline_item_save",
    "baseline_meta_save",
    "baseline_new_version",
    "baseline_publish",
    "supersede_in_force",
]
