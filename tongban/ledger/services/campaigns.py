"""Campaigns, their phases, the 建章立制 records and the numbered filing with the superior."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction

from tongban.accounts.models import Organisation
from tongban.core import attachments, audit
from tongban.core.permissions import deny, has_perm, in_scope, require
from tongban.core.sequences import next_number

from ..models import PHASE_ORDER, Campaign, Filing, Phase, Problem, RuleRecord
from ..permissions import get_campaign_for
from ._common import today


def _date(value, label: str, errors: dict) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value or "").strip())
    except ValueError:
        errors.setdefault(label, []).append("请填写正确的日期（如 2026-03-01）。")
        return None


@transaction.atomic
def campaign_create(*, actor, title: str, code: str, lead_office_id, superior: str, starts_on, finding_until,
                    rectifying_until, rules_until, ends_on, participant_ids=(), publish_list: bool = False,
                    default_limit_days: int = 20, recheck_ratio="0.2") -> Campaign:
    require(actor, "ledger.manage")
    errors: dict[str, list[str]] = {}
    title, code, superior = (title or "").strip(), (code or "").strip().upper(), (superior or "").strip()
    if not title or len(title) > 150:
        errors["title"] = ["请填写专项整治名称（不超过 150 字）。"]
    if not code or len(code) > 20 or not all(c.isalnum() or c == "-" for c in code):
        errors["code"] = ["简称代码为 1-20 位字母、数字或短横线。"]
    elif Campaign.objects.filter(code=code).exists():
        errors["code"] = [f"简称代码“{code}”已被使用。"]
    if not superior or len(superior) > 150:
        errors["superior"] = ["请填写问题清单报送备案的上级机构（查摆问题阶段须报上级备案）。"]
    office = Organisation.objects.filter(pk=lead_office_id, is_active=True).first() if str(lead_office_id or "").isdigit() else None
    if office is None or not in_scope(actor, office):
        errors["lead_office"] = ["请选择本机构或下级机构作为牵头办公室。"]
    dates = [_date(v, k, errors) for k, v in (("starts_on", starts_on), ("finding_until", finding_until),
                                               ("rectifying_until", rectifying_until), ("rules_until", rules_until),
                                               ("ends_on", ends_on))]
    if all(dates) and dates != sorted(dates):
        errors["ends_on"] = ["各阶段日期须依次排列：开始 ≤ 查摆问题 ≤ 集中整治 ≤ 建章立制 ≤ 结束。"]
    try:
        ratio = Decimal(str(recheck_ratio))
        if not Decimal("0") < ratio <= Decimal("1"):
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors["recheck_ratio"] = ["回头看抽查比例须大于 0 且不超过 1（如 0.2 即 20%）。"]
        ratio = Decimal("0.2")
    try:
        limit = int(default_limit_days)
        if not 1 <= limit <= 250:
            raise ValueError
    except (TypeError, ValueError):
        errors["default_limit_days"] = ["默认整改时限为 1-250 个工作日。"]
        limit = 20
    participants = list(Organisation.objects.filter(pk__in=[int(p) for p in participant_ids if str(p).isdigit()]))
    if errors:
        raise ValidationError(errors)
    campaign = Campaign.objects.create(
        title=title, code=code, lead_office=office, superior=superior, starts_on=dates[0], finding_until=dates[1],
        rectifying_until=dates[2], rules_until=dates[3], ends_on=dates[4], publish_list=bool(publish_list),
        default_limit_days=limit, recheck_ratio=ratio, created_by=actor,
    )
    campaign.participants.set(participants or [office])
    audit.record("ledger.campaign_create", actor=actor, obj=campaign, changes={"title": title, "code": code})
    return campaign


@transaction.atomic
def campaign_set_phase(*, actor, campaign_id: int, phase: str) -> Campaign:
    campaign = get_campaign_for(actor, campaign_id, manage=True)
    if phase not in Phase.values:
        raise ValidationError({"phase": ["阶段不正确。"]})
    if PHASE_ORDER.index(phase) < PHASE_ORDER.index(campaign.phase):
        raise ValidationError({"phase": ["整治阶段只能依次推进，不能回退。"]})
    before = campaign.phase
    campaign.phase = phase
    campaign.save(update_fields=["phase"])
    audit.record("ledger.campaign_phase", actor=actor, obj=campaign, changes={"phase": [before, phase]})
    return campaign


@transaction.atomic
def campaign_set_publication(*, actor, campaign_id: int, publish: bool) -> Campaign:
    campaign = get_campaign_for(actor, campaign_id, manage=True)
    campaign.publish_list = bool(publish)
    campaign.save(update_fields=["publish_list"])
    audit.record("ledger.campaign_publish", actor=actor, obj=campaign, changes={"publish_list": campaign.publish_list})
    return campaign


@transaction.atomic
def rule_record(*, actor, campaign_id: int, title: str, adopted_on, doc_number: str = "", summary: str = "",
                problem_ids=(), upload=None) -> RuleRecord:
    """建章立制: record a rule or procedure and link it to the problems it answers."""
    campaign = get_campaign_for(actor, campaign_id, manage=True)
    errors: dict[str, list[str]] = {}
    title = (title or "").strip()
    if not title or len(title) > 200:
        errors["title"] = ["请填写制度名称（不超过 200 字）。"]
    day = _date(adopted_on, "adopted_on", errors)
    ids = [int(p) for p in problem_ids if str(p).isdigit()]
    problems = list(Problem.objects.filter(campaign=campaign, pk__in=ids))
    if not problems:
        errors["problems"] = ["请至少选择一个该制度所针对的问题（建章立制须对应查摆出的问题）。"]
    if errors:
        raise ValidationError(errors)
    att = attachments.store(upload, actor=actor, label="制度文件") if upload else None
    row = RuleRecord.objects.create(campaign=campaign, title=title, doc_number=(doc_number or "").strip(),
                                    adopted_on=day, summary=summary or "", attachment=att, created_by=actor)
    row.problems.set(problems)
    audit.record("ledger.rule_record", actor=actor, obj=row, changes={"problems": [p.number for p in problems]})
    return row


def filing_number(campaign: Campaign, on: dt.date) -> str:
    agency = campaign.lead_office.agency()
    prefix = agency.short_name or agency.name
    seq = next_number(f"ledger:filing:{agency.code}", period=on.year)
    return f"{prefix}整改备〔{on.year}〕{seq}号"


@transaction.atomic
def filing_create(*, actor, campaign_id: int) -> Filing:
    """The numbered submission of the problem list to the superior (报上级备案)."""
    from ..selectors import ledger_rows

    campaign = get_campaign_for(actor, campaign_id, manage=True)
    if not has_perm(actor, "ledger.manage"):
        raise deny(actor, "ledger.manage", campaign)
    rows = ledger_rows(Problem.objects.filter(campaign=campaign))
    if not rows:
        raise ValidationError("问题清单为空，不能报送备案。")
    on = today()
    filing = Filing.objects.create(campaign=campaign, number=filing_number(campaign, on), filed_on=on,
                                   filed_by=actor, rows=rows)
    audit.record("ledger.filing", actor=actor, obj=filing, changes={"number": filing.number, "rows": len(rows)})
    return filing
