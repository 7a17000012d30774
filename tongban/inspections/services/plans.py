"""Annual plans (filed with the level above) and the tasks within them."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tongban.accounts.models import Organisation
from tongban.core import audit
from tongban.core.errors import Conflict

from ..models import (
    DEFAULT_RATIOS,
    AnnualPlan,
    InspectionItem,
    InspectionTask,
    ItemStatus,
    PlanStatus,
)
from ._common import number
from .directory import _in_org, parse_ratio

# 国办发〔2024〕54号: only items on the published list may be inspected.
UNPUBLISHED_ITEM = "依据国办发〔2024〕54号，未纳入已公布的随机抽查事项清单的事项不得开展检查"


@transaction.atomic
def plan_create(*, actor, organisation: Organisation, year: int, title: str) -> AnnualPlan:
    _in_org(actor, organisation)
    if not title.strip():
        raise ValidationError({"title": ["请填写计划名称。"]})
    if not (2000 <= int(year) <= 2100):
        raise ValidationError({"year": ["年度不正确。"]})
    if AnnualPlan.objects.filter(organisation=organisation, year=year, title=title.strip()).exists():
        raise ValidationError({"title": ["本机构该年度已有同名计划。"]})
    plan = AnnualPlan.objects.create(organisation=organisation, year=year, title=title.strip(), created_by=actor)
    audit.record("inspections.plan.create", actor=actor, obj=plan)
    return plan


@transaction.atomic
def plan_file(*, actor, plan_id: int) -> AnnualPlan:
    """File the plan with the agency one level up (SAMR 2019: annual plans are filed with the level above)."""
    plan = AnnualPlan.objects.select_for_update().select_related("organisation").get(pk=plan_id)
    _in_org(actor, plan.organisation)
    if plan.status != PlanStatus.DRAFT:
        raise Conflict("该计划已报备。", code="illegal_transition")
    if not plan.tasks.exists():
        raise ValidationError("计划中还没有抽查任务，不能报备。")
    agency = plan.organisation.agency()
    above = agency.parent.agency() if agency.parent_id else None
    plan.status, plan.filed_with, plan.filed_at = PlanStatus.FILED, above, timezone.now()
    plan.save(update_fields=["status", "filed_with", "filed_at"])
    audit.record("inspections.plan.file", actor=actor, obj=plan, changes={"filed_with": above.name if above else ""})
    return plan


def _ratios(ratios: dict | None) -> dict:
    out = dict(DEFAULT_RATIOS)
    for key, value in (ratios or {}).items():
        if key not in DEFAULT_RATIOS:
            raise ValidationError({"ratios": [f"未知的风险等级“{key}”。"]})
        out[key] = parse_ratio(value, "ratios")
    return out


@transaction.atomic
def task_create(*, actor, plan_id: int, item_id: int, name: str, period_start: dt.date, period_end: dt.date,
                ratios: dict | None = None, region: str = "", industry: str = "", inspectors_per_object: int = 2,
                partner_ids: list[int] | None = None) -> InspectionTask:
    plan = AnnualPlan.objects.select_related("organisation").filter(pk=plan_id).first()
    if plan is None:
        raise ValidationError({"plan": ["年度计划不存在。"]})
    _in_org(actor, plan.organisation)
    item = InspectionItem.objects.filter(pk=item_id).first()
    errors: dict[str, list[str]] = {}
    if item is None or item.status != ItemStatus.PUBLISHED:
        errors["item"] = [UNPUBLISHED_ITEM + "。"]
    if not name.strip():
        errors["name"] = ["请填写任务名称。"]
    if period_end < period_start:
        errors["period_end"] = ["检查结束日期不能早于开始日期。"]
    if period_start.year != plan.year:
        errors["period_start"] = [f"检查期间应在计划年度（{plan.year}年）内。"]
    if int(inspectors_per_object) < 2:
        errors["inspectors_per_object"] = ["依据《中华人民共和国行政处罚法》第四十二条，执法人员不得少于两人。"]
    if region and not (region.isdigit() and len(region) <= 6):
        errors["region"] = ["行政区划代码前缀应为数字。"]
    if errors:
        raise ValidationError(errors)
    task = InspectionTask.objects.create(
        plan=plan, item=item, name=name.strip(), period_start=period_start, period_end=period_end,
        ratios=_ratios(ratios), region=region, industry=industry.strip(), inspectors_per_object=int(inspectors_per_object),
        created_by=actor,
        number=number("task", plan.organisation, period_start, "{code}-CC-{year}-{seq:03d}"),
    )
    if partner_ids:
        partners = list(Organisation.objects.filter(pk__in=partner_ids).exclude(pk=plan.organisation_id))
        task.partners.set(partners)
    audit.record("inspections.task.create", actor=actor, obj=task)
    return task
