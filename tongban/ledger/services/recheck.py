"""回头看: a verifiable random re-check of closed problems with `core.draw`.

1. `recheck_commit` freezes the list of closed problems (their numbers) and the ratio, and
   publishes the commitment; while it is open no other draw of the campaign can start.
2. `recheck_enter`: one person enters public numbers announced after the commitment (e.g. a
   lottery result); `recheck_confirm`: another person enters them again. Only if both agree the
   seed is fixed and the sample drawn: ``select(seed, "recheck:<code>", numbers, sample_size(n, ratio))``.
3. `recheck_result`: a failed re-check reopens the problem; its first close-out stays in history.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from tongban.core import audit, draw
from tongban.core.errors import Conflict
from tongban.core.permissions import deny, has_perm
from tongban.core.sequences import next_number

from ..models import Campaign, Problem, Recheck, RecheckItem, Status
from ..permissions import get_campaign_for, leads
from ._common import lock, today
from .problems import reopen


def _require(actor, campaign: Campaign) -> None:
    if not (has_perm(actor, "ledger.recheck") and leads(actor, campaign)):
        raise deny(actor, "ledger.recheck", campaign)


def label(campaign: Campaign) -> str:
    return f"recheck:{campaign.code}"


@transaction.atomic
def recheck_commit(*, actor, campaign_id: int, ratio: str | None = None) -> Recheck:
    campaign = get_campaign_for(actor, campaign_id)
    _require(actor, campaign)
    Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
    if campaign.rechecks.exclude(status=Recheck.Status.DRAWN).exists():
        raise Conflict("本专项整治已有一次尚未完成的回头看抽取，须先完成，不能另起一次。", code="open_draw")
    ratio = str(ratio if ratio not in (None, "") else campaign.recheck_ratio.normalize())
    try:
        draw.sample_size(1, ratio)
    except (ValueError, TypeError, ArithmeticError):
        raise ValidationError({"ratio": ["抽查比例须为 0 到 1 之间的小数（如 0.2）。"]}) from None
    ids = sorted(Problem.objects.filter(campaign=campaign, status=Status.CLOSED).values_list("number", flat=True))
    if not ids:
        raise ValidationError("本专项整治还没有已销号的问题，无需回头看。")
    number = f"{campaign.code}-HTK-{next_number(f'ledger:recheck:{campaign.code}'):02d}"
    document = {"algorithm": draw.ALGORITHM, "purpose": label(campaign), "draw": number,
                "list_hash": draw.list_hash(ids), "count": len(ids), "ratio": ratio}
    row = Recheck.objects.create(campaign=campaign, number=number, ratio=ratio, frozen_ids=ids,
                                 list_hash=document["list_hash"], commitment=draw.commitment(document),
                                 document=document, created_by=actor)
    audit.record("ledger.recheck_commit", actor=actor, obj=row,
                 changes={"commitment": row.commitment, "count": len(ids), "ratio": ratio})
    return row


def _numbers(raw) -> list[str]:
    items = raw.replace("，", ",").replace(" ", ",").split(",") if isinstance(raw, str) else list(raw or [])
    try:
        return draw.normalise_numbers([i for i in items if str(i).strip()])
    except ValueError:
        raise ValidationError({"numbers": ["请输入公开号码（数字，逗号分隔），如当期福利彩票开奖号码。"]}) from None


def _lock(actor, recheck_id: int, status: str) -> Recheck:
    row = Recheck.objects.select_for_update().select_related("campaign__lead_office").filter(pk=recheck_id).first()
    if row is None or not leads(actor, row.campaign):
        from django.http import Http404

        raise Http404("回头看抽取不存在或不在您的管辖范围内。")
    _require(actor, row.campaign)
    if row.status != status:
        raise Conflict(f"该抽取当前为“{row.get_status_display()}”，不能进行此步骤。", code="illegal_transition")
    return row


@transaction.atomic
def recheck_enter(*, actor, recheck_id: int, numbers, source: str = "") -> Recheck:
    row = _lock(actor, recheck_id, Recheck.Status.COMMITTED)
    row.public_numbers = _numbers(numbers)
    row.number_source = (source or "").strip()[:150]
    row.entered_by = actor
    row.status = Recheck.Status.ENTERED
    row.save()
    audit.record("ledger.recheck_enter", actor=actor, obj=row, changes={"numbers": row.public_numbers})
    return row


@transaction.atomic
def recheck_confirm(*, actor, recheck_id: int, numbers) -> Recheck:
    row = _lock(actor, recheck_id, Recheck.Status.ENTERED)
    if row.entered_by_id == actor.pk:
        raise ValidationError("公开号码须由另一名工作人员复核录入，录入人不能自己复核。")
    again = _numbers(numbers)
    if again != row.public_numbers:
        raise ValidationError({"numbers": ["两次录入的公开号码不一致，请核对后重新录入。"]})
    row.confirmed_by = actor
    row.seed = draw.seed_from(row.commitment, again)
    k = draw.sample_size(len(row.frozen_ids), row.ratio)
    row.selected = draw.select(row.seed, label(row.campaign), row.frozen_ids, k)
    row.status = Recheck.Status.DRAWN
    row.save()
    problems = Problem.objects.in_bulk(row.selected, field_name="number")
    RecheckItem.objects.bulk_create([RecheckItem(recheck=row, problem=problems[n]) for n in row.selected])
    audit.record("ledger.recheck_draw", actor=actor, obj=row, changes={"seed": row.seed, "selected": row.selected})
    return row


def verify(row: Recheck) -> list[str]:
    """Recompute the selection from what is published: anyone can do the same."""
    assert draw.commitment(row.document) == row.commitment
    assert draw.list_hash(row.frozen_ids) == row.document["list_hash"]
    seed = draw.seed_from(row.commitment, row.public_numbers)
    return draw.select(seed, row.document["purpose"], row.frozen_ids, draw.sample_size(len(row.frozen_ids), row.ratio))


@transaction.atomic
def recheck_result(*, actor, item_id: int, passed: bool, note: str = "") -> RecheckItem:
    item = RecheckItem.objects.select_for_update().select_related("recheck__campaign__lead_office").filter(
        pk=item_id).first()
    if item is None or not leads(actor, item.recheck.campaign):
        from django.http import Http404

        raise Http404("复查记录不存在或不在您的管辖范围内。")
    _require(actor, item.recheck.campaign)
    if item.result:
        raise Conflict("该问题的复查结果已记录。", code="already_checked")
    note = (note or "").strip()
    if not passed and not note:
        raise ValidationError({"note": ["复查不合格须写明问题所在，以便重新整改。"]})
    problem = lock(actor, item.problem_id, "recheck")
    item.result = RecheckItem.Result.PASSED if passed else RecheckItem.Result.FAILED
    item.note, item.checked_by, item.checked_on = note, actor, today()
    item.save()
    if passed:
        from ._common import transition

        transition(problem, action="recheck_pass", to=Status.CLOSED, actor=actor, note=note,
                   data={"recheck": item.recheck.number})
    else:
        reopen(problem, actor=actor, action="recheck_fail", note=f"回头看 {item.recheck.number} 复查不合格：{note}")
    return item
