"""Every write of 好差评: a rating (once per case or appeal), the bad-review rectification
(verify, then rectify or explain and answer), and the appeal of a rating decided by an approver.
Atomic, audited; notifications on commit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from tongban.core import attachments, audit, events, supervision, timeutil
from tongban.core.calendar import WorkCalendar
from tongban.core.errors import Conflict
from tongban.core.notifications import notify
from tongban.core.permissions import deny, has_perm, require

from .limits import (
    rectification_limit_set as rectification_limit_set,  # re-exported: the write lives in limits
)
from .limits import rectify_days
from .models import (
    ASPECTS,
    BAD_LEVELS,
    Level,
    Rating,
    RatingAppeal,
    Rectification,
    RectificationStep,
    Window,
)
from .permissions import get_rating_appeal_for, get_rectification_for, may_act, may_decide

CASE_RATEABLE = ("concluded", "delivered")
APPEAL_RATEABLE = ("replied", "closed")
MAX_TEXT = 1000


def _today() -> dt.date:
    return timeutil.today()


def _clean(level, aspects: Iterable[str] | None, text: str) -> tuple[int, list[str], str]:
    errors: dict[str, list[str]] = {}
    try:
        level = int(level)
    except (TypeError, ValueError):
        level = 0
    if level not in Level.values:
        errors["level"] = ["请选择评价等级（非常满意至非常不满意）。"]
    aspects = [a for a in dict.fromkeys(aspects or []) if a]
    unknown = [a for a in aspects if a not in ASPECTS]
    if unknown:
        errors["aspects"] = [f"未知的评价项：{'、'.join(unknown)}。"]
    text = (text or "").strip()
    if len(text) > MAX_TEXT:
        errors["text"] = [f"评价内容不超过 {MAX_TEXT} 字。"]
    if level in BAD_LEVELS and not text and not aspects:
        errors["text"] = ["差评请至少选择一项不满意的方面或写明原因，以便整改。"]
    if errors:
        raise ValidationError(errors)
    return level, aspects, text


def _unit_staff(rating: Rating):
    from tongban.appeals.services import unit_staff

    return unit_staff(rating.organisation, perm="reviews.rectify")


def _open_rectification(rating: Rating) -> Rectification:
    today = _today()
    days = rectify_days(rating.organisation)  # the limit in force when it opens; later changes leave it
    rect = Rectification.objects.create(
        rating=rating, organisation=rating.organisation, opened_on=today,
        due_on=WorkCalendar.default().add_workdays(today, days), limit_days=days,
    )
    RectificationStep.objects.create(rectification=rect, action="open", actor_name="系统", at=timezone.now(),
                                     note=f"差评（{rating.get_level_display()}）自动立案，{days} 个工作日内核实、整改并答复评价人。")
    staff = _unit_staff(rating)
    url = reverse("reviews:detail", args=[rating.pk])
    transaction.on_commit(lambda: [notify(u, f"收到差评，请于 {rect.due_on} 前整改答复", body=rating.text[:100],
                                          url=url, level="warning") for u in staff])
    return rect


def _create(rating: Rating, actor) -> Rating:
    try:
        with transaction.atomic():
            rating.save()
    except IntegrityError:
        raise Conflict("您已评价过，每次服务只能评价一次。", code="rated_once") from None
    if rating.level in BAD_LEVELS:
        rating.state = Rating.State.RECTIFYING
        rating.save(update_fields=["state"])
        _open_rectification(rating)
    audit.record("review.submit", actor=actor if getattr(actor, "pk", None) else None, obj=rating,
                 changes={"target": rating.target, "level": rating.level, "real_name": rating.real_name})
    return rating


@transaction.atomic
def rating_submit_case(*, actor, case_id: int, level, aspects=None, text: str = "", real_name: bool = True) -> Rating:
    """The applicant of a concluded or delivered case rates it, once."""
    from tongban.cases.models import Case
    from tongban.cases.permissions import is_applicant_of

    case = Case.objects.select_for_update(of=("self",)).select_related("organisation").filter(pk=case_id).first()
    if case is None or not getattr(actor, "is_authenticated", False) or not is_applicant_of(actor, case):
        raise PermissionDenied("只有该办件的申请人可以评价。")
    if case.status not in CASE_RATEABLE:
        raise Conflict("办件办结后才能评价。", code="not_concluded")
    if Rating.objects.filter(case=case).exists():
        raise Conflict("该办件已评价过，每件只能评价一次。", code="rated_once")
    level, aspects, text = _clean(level, aspects, text)
    rating = Rating(target=Rating.Target.CASE, case=case, organisation=case.organisation, item_id=case.item_id,
                    staff_id=case.handler_id, level=level, aspects=aspects, text=text, real_name=bool(real_name),
                    rater=actor, rater_name=actor.display_name if real_name else "", rater_phone=actor.phone,
                    rated_on=_today())
    return _create(rating, actor)


# The requester answers one satisfaction form per appeal: the 好差评 rating. While the appeal waits
# for its 回访 (replied), the rating is also recorded as the online callback, which closes the
# appeal and, when unsatisfied, opens the one reopening the appeals rules allow.
CALLBACK_SATISFACTION = {5: "satisfied", 4: "satisfied", 3: "basic", 2: "unsatisfied", 1: "unsatisfied"}


def _record_callback(appeal, rating: Rating, callback) -> None:
    if appeal.status == "replied":
        callback(satisfaction=CALLBACK_SATISFACTION[rating.level],
                 note=rating.text or "、".join(rating.aspect_labels()))


def _rate_appeal(appeal, *, actor, level, aspects, text, real_name, callback=None) -> Rating:
    if appeal.status not in APPEAL_RATEABLE:
        raise Conflict("诉求答复后才能评价。", code="not_concluded")
    if Rating.objects.filter(appeal=appeal).exists():
        raise Conflict("该诉求已评价过，每件只能评价一次。", code="rated_once")
    level, aspects, text = _clean(level, aspects, text)
    user = actor if getattr(actor, "pk", None) else None
    rating = Rating(target=Rating.Target.APPEAL, appeal=appeal, organisation=appeal.organisation,
                    item_id=appeal.item_id, staff_id=appeal.handler_id, level=level, aspects=aspects, text=text,
                    real_name=bool(real_name) and bool(user or appeal.requester_name), rater=user,
                    rater_name=(appeal.requester_name if real_name else ""), rater_phone=appeal.requester_phone,
                    rated_on=_today())
    rating = _create(rating, actor)
    if callback is not None:
        _record_callback(appeal, rating, callback)
    return rating


@transaction.atomic
def rating_submit_appeal(*, actor, appeal_id: int, level, aspects=None, text: str = "", real_name: bool = True) -> Rating:
    from tongban.appeals.models import Appeal

    appeal = Appeal.objects.select_for_update(of=("self",)).select_related("organisation").filter(pk=appeal_id).first()
    if appeal is None or appeal.requester_id is None or appeal.requester_id != getattr(actor, "pk", None):
        raise PermissionDenied("只有该诉求的诉求人可以评价。")
    from tongban.appeals.services import appeal_callback

    return _rate_appeal(appeal, actor=actor, level=level, aspects=aspects, text=text, real_name=real_name,
                        callback=lambda **kw: appeal_callback(actor=actor, appeal_id=appeal.pk, **kw))


@transaction.atomic
def rating_submit_appeal_by_code(*, number: str, code: str, level, aspects=None, text: str = "",
                                 real_name: bool = False) -> Rating:
    from tongban.appeals.permissions import get_appeal_by_code
    from tongban.appeals.services import appeal_callback_by_code

    appeal = get_appeal_by_code(number, code, for_update=True)
    return _rate_appeal(appeal, actor=None, level=level, aspects=aspects, text=text, real_name=real_name,
                        callback=lambda **kw: appeal_callback_by_code(number=number, code=code, **kw))


@transaction.atomic
def rating_submit_window(*, actor, window_id: int, level, aspects=None, text: str = "", rater_name: str = "",
                         rater_phone: str = "") -> Rating:
    """A walk-in rates the window's service on the pad the clerk has logged in."""
    window = Window.objects.select_related("organisation").filter(pk=window_id, is_active=True).first()
    if window is None:
        raise ValidationError({"window": ["窗口不存在或已停用。"]})
    from tongban.appeals.permissions import acts_for

    if not (has_perm(actor, "reviews.window") and acts_for(actor, window.organisation)):
        raise deny(actor, "reviews.window", window)
    level, aspects, text = _clean(level, aspects, text)
    phone = "".join(ch for ch in (rater_phone or "") if ch.isdigit())
    if phone and not 7 <= len(phone) <= 12:
        raise ValidationError({"rater_phone": ["联系电话应为 7-12 位数字。"]})
    rating = Rating(target=Rating.Target.WINDOW, window=window, organisation=window.organisation, staff=actor,
                    level=level, aspects=aspects, text=text, channel=Rating.Channel.WINDOW,
                    real_name=bool(rater_name.strip() and phone), rater_name=rater_name.strip()[:60],
                    rater_phone=phone, rated_on=_today())
    return _create(rating, actor)


# --- rectification ---------------------------------------------------------------------------------


def _step(rect: Rectification, action: str, actor, note: str) -> None:
    RectificationStep.objects.create(rectification=rect, action=action, actor=actor, actor_name=actor.display_name,
                                     at=timezone.now(), note=note)
    if action != "press":
        supervision.resolve(rect, actor=actor)  # the unit acting answers the supervisor's press
    audit.record(f"review.rectification_{action}", actor=actor, obj=rect.rating, changes={"note": note,
                                                                                         "status": rect.status})


def _lock(actor, rect_id: int, expected_version: int | None, allowed: tuple[str, ...]) -> Rectification:
    rect = get_rectification_for(actor, rect_id, for_update=True)
    if not may_act(actor, rect.rating, "reviews.rectify"):
        raise deny(actor, "reviews.rectify", rect.rating)
    if rect.status not in allowed:
        raise Conflict(f"整改当前状态为“{rect.get_status_display()}”，不能进行此操作。", code="illegal_transition")
    if expected_version is not None and expected_version != rect.row_version:
        raise Conflict("该整改已被他人处理，请刷新页面后再操作。", code="stale")
    return rect


@transaction.atomic
def rectification_verify(*, actor, rectification_id: int, verification: str, founded: bool,
                         expected_version: int | None = None) -> Rectification:
    """Record the callback to the rater and whether the complaint is founded."""
    rect = _lock(actor, rectification_id, expected_version, (Rectification.Status.VERIFYING,))
    if not (verification or "").strip():
        raise ValidationError({"verification": ["请填写核实情况（回访评价人的经过和结论）。"]})
    rect.verification, rect.founded, rect.verified_on = verification.strip(), bool(founded), _today()
    rect.status, rect.handler = Rectification.Status.RECTIFYING, actor
    rect.row_version += 1
    rect.save()
    _step(rect, "verify", actor, verification.strip())
    # Credit keeps a 政务诚信 record of a founded bad rating (ids only, ADR 0009).
    events.publish("review.verified", rectification_id=rect.pk, founded=rect.founded)
    return rect


@transaction.atomic
def rectification_answer(*, actor, rectification_id: int, outcome: str, measures: str, answer: str,
                         expected_version: int | None = None) -> Rectification:
    """Rectify (or explain when the complaint is unfounded) and answer the rater. Closes it."""
    rect = _lock(actor, rectification_id, expected_version, (Rectification.Status.RECTIFYING,))
    errors = {}
    if outcome not in Rectification.Outcome.values:
        errors["outcome"] = ["请选择整改或解释说明。"]
    if not (measures or "").strip():
        errors["measures"] = ["请填写整改措施或解释说明。"]
    if not (answer or "").strip():
        errors["answer"] = ["请填写给评价人的答复。"]
    if outcome == Rectification.Outcome.EXPLAINED and rect.founded:
        errors["outcome"] = ["核实反映属实的差评须整改，不能仅作解释说明。"]
    if errors:
        raise ValidationError(errors)
    today = _today()
    rect.outcome, rect.measures, rect.answer = outcome, measures.strip(), answer.strip()
    rect.answered_on, rect.on_time = today, today <= rect.due_on
    rect.status, rect.warning = Rectification.Status.ANSWERED, ""
    rect.row_version += 1
    rect.save()
    rating = rect.rating
    rating.state = Rating.State.RECTIFIED
    rating.save(update_fields=["state"])
    _step(rect, "answer", actor, answer.strip())
    if rating.rater_id:
        transaction.on_commit(lambda: notify(rating.rater, "您的评价已得到处理", body=answer.strip()[:200], sms=True))
    elif rating.rater_phone:
        from tongban.core.notifications import sms_gateway

        text = f"【通办】您的评价已得到处理：{answer.strip()}"[:300]
        transaction.on_commit(lambda: sms_gateway().send(rating.rater_phone, text))
    return rect


# --- appeal of a rating ---------------------------------------------------------------------------


@transaction.atomic
def rating_appeal_file(*, actor, rating_id: int, reason: str, statement: str, evidence=None) -> RatingAppeal:
    from .permissions import get_rating_for

    rating = get_rating_for(actor, rating_id)
    if not may_act(actor, rating, "reviews.appeal_file"):
        raise deny(actor, "reviews.appeal_file", rating)
    if rating.state == Rating.State.VOIDED:
        raise Conflict("该评价已因申诉成立而不计入，无需再申诉。", code="voided")
    if RatingAppeal.objects.filter(rating=rating, status=RatingAppeal.Status.PENDING).exists():
        raise Conflict("该评价已有待审核的申诉。", code="pending_appeal")
    errors = {}
    if reason not in RatingAppeal.Reason.values:
        errors["reason"] = ["请选择申诉理由。"]
    if not (statement or "").strip():
        errors["statement"] = ["请写明情况并说明证据。"]
    if errors:
        raise ValidationError(errors)
    stored = attachments.store(evidence, actor=actor, label="差评申诉证明材料") if evidence else None
    row = RatingAppeal.objects.create(rating=rating, reason=reason, statement=statement.strip(), evidence=stored,
                                      filed_by=actor)
    audit.record("review.appeal_file", actor=actor, obj=rating, changes={"reason": reason, "statement": statement})
    rect = getattr(rating, "rectification", None)
    if rect is not None:
        RectificationStep.objects.create(rectification=rect, action="appeal", actor=actor,
                                         actor_name=actor.display_name, at=timezone.now(),
                                         note=f"申诉：{row.get_reason_display()}。{statement.strip()}")
    from tongban.accounts.models import Role, User

    path = rating.organisation.path
    prefixes = [path[: i + 1] for i, ch in enumerate(path) if ch == "/"]
    approvers = [u for u in User.objects.filter(organisation__path__in=prefixes, roles__role=Role.APPROVER,
                                                 is_active=True).distinct() if u.pk != actor.pk]
    url = reverse("reviews:detail", args=[rating.pk])
    transaction.on_commit(lambda: [notify(u, "差评申诉待审核", body=statement[:100], url=url) for u in approvers])
    return row


@transaction.atomic
def rating_appeal_decide(*, actor, appeal_id: int, uphold: bool, note: str) -> RatingAppeal:
    row = get_rating_appeal_for(actor, appeal_id, for_update=True)
    if not may_decide(actor, row):
        if row.filed_by_id == actor.pk:
            raise PermissionDenied("申诉人不能审核自己提出的申诉，请由其他审批负责人审核。")
        raise deny(actor, "reviews.appeal_decide", row.rating)
    if row.status != RatingAppeal.Status.PENDING:
        raise Conflict("该申诉已审核。", code="decided")
    if not (note or "").strip():
        raise ValidationError({"note": ["请填写审核意见。"]})
    row.status = RatingAppeal.Status.UPHELD if uphold else RatingAppeal.Status.REJECTED
    row.decided_by, row.decided_at, row.decision_note = actor, timezone.now(), note.strip()
    row.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    rating = row.rating
    before = rating.state
    if uphold:
        rating.state = Rating.State.VOIDED
        rating.save(update_fields=["state"])
        rect = getattr(rating, "rectification", None)
        if rect is not None and rect.is_open:
            rect.status, rect.warning = Rectification.Status.VOIDED, ""
            rect.row_version += 1
            rect.save(update_fields=["status", "warning", "row_version"])
    rect = getattr(rating, "rectification", None)
    if rect is not None:
        RectificationStep.objects.create(rectification=rect, action="appeal_decide", actor=actor,
                                         actor_name=actor.display_name, at=timezone.now(),
                                         note=f"{row.get_status_display()}：{note.strip()}")
    audit.record("review.appeal_decide", actor=actor, obj=rating,
                 changes={"decision": row.status, "note": note, "state": [before, rating.state]})
    return row


@transaction.atomic
def rectification_press(*, actor, rectification_id: int, note: str):
    """督办 an open rectification: the note reaches the unit's handler (or its staff) and stays in
    their inbox until they act on it."""
    rect = get_rectification_for(actor, rectification_id, for_update=True)
    require(actor, "reviews.press", rect.rating)
    if not rect.is_open:
        raise Conflict("整改已办结，无需督办。", code="closed")
    if not (note or "").strip():
        raise ValidationError({"note": ["请填写督办意见。"]})
    row = supervision.press(
        actor=actor, obj=rect, note=note, warning=rect.warning,
        notify_users=[rect.handler] if rect.handler_id else _unit_staff(rect.rating),
        title=f"差评整改督办：{rect.rating.organisation.name}",
        url=reverse("reviews:detail", args=[rect.rating_id]),
    )
    _step(rect, "press", actor, note.strip())
    return row
