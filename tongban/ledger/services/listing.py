"""Listing problems from every channel — self-inspection, hand-downs, appeals, upheld bad
reviews, survey answers, forum opinions — each keeping its source, with possible duplicates
flagged."""

from __future__ import annotations

import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tongban.core.errors import Conflict
from tongban.core.permissions import deny, has_perm, in_scope
from tongban.core.sequences import next_number

from ..models import OPEN_STATUSES, Campaign, Problem, SourceKind, Status
from ..permissions import get_campaign_for, leads
from ._common import today, transition

# --- duplicates -------------------------------------------------------------------------------

_WORD = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")


def bigrams(text: str) -> set[str]:
    """Character bigrams of the text's letters and digits: Chinese needs no segmentation for this."""
    chars = "".join(_WORD.findall(text or "")).lower()
    return {chars[i:i + 2] for i in range(len(chars) - 1)} or ({chars} if chars else set())


def similarity(a: str, b: str) -> Decimal:
    x, y = bigrams(a), bigrams(b)
    if not x or not y:
        return Decimal("0")
    return (Decimal(len(x & y)) / Decimal(len(x | y))).quantize(Decimal("0.01"))


def best_match(text: str, candidates) -> tuple[object, float]:
    """The candidate (key, text) most like `text`: the probe's bigrams are built once and the
    ratio kept as a float until the end (this runs over every open problem of a campaign)."""
    probe = bigrams(text)
    best, score = None, 0.0
    if not probe:
        return None, 0.0
    size = len(probe)
    for key, other in candidates:
        grams = bigrams(other)
        if not grams:
            continue
        common = len(probe & grams)
        s = common / (size + len(grams) - common)
        if s > score:
            best, score = key, s
    return best, score


def likely_duplicate(campaign: Campaign, title: str, description: str = "", exclude_id=None):
    """The open problem of the campaign most like this one, if at or above the campaign's threshold."""
    qs = Problem.objects.filter(campaign=campaign, status__in=OPEN_STATUSES)
    if exclude_id:
        qs = qs.exclude(pk=exclude_id)
    rows = ((pk, f"{t} {d}") for pk, t, d in qs.values_list("pk", "title", "description").iterator(chunk_size=2000))
    best, score = best_match(f"{title} {description}", rows)
    score_d = Decimal(str(score)).quantize(Decimal("0.01"))
    if best is None or score_d < campaign.duplicate_threshold:
        return None, score_d
    return Problem.objects.get(pk=best), score_d


# --- listing ----------------------------------------------------------------------------------


def _number(campaign: Campaign) -> str:
    return f"{campaign.code}-{next_number(f'ledger:problem:{campaign.code}'):03d}"


@transaction.atomic
def problem_create(*, actor, campaign_id: int, title: str, source_kind: str, description: str = "",
                   source_ref: str = "", parent_id=None, enterprise=None, raised_by=None, source_result_id=None,
                   **sources) -> Problem:
    """List a problem. The lead office lists any; a participating unit lists its own self-inspection.
    `source_result_id` picks an inspection result (with findings, in the actor's scope): the problem
    then comes from the inspection channel, linked to the result."""
    campaign = get_campaign_for(actor, campaign_id)
    manage = has_perm(actor, "ledger.manage") and leads(actor, campaign)
    own_check = (source_kind == SourceKind.SELF and has_perm(actor, "ledger.rectify")
                 and any(in_scope(actor, p) for p in campaign.participants.all()))
    if not (manage or own_check):
        raise deny(actor, "ledger.manage", campaign)
    errors: dict[str, list[str]] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = ["请填写问题。"]
    elif len(title) > 300:
        errors["title"] = ["问题不超过 300 字，详细情况请写入问题描述。"]
    if source_kind not in SourceKind.values:
        errors["source_kind"] = ["请选择问题来源。"]
    result = None
    if source_result_id not in (None, ""):
        result = _result_for(actor, source_result_id)
        if result is None:
            errors["source_result"] = ["所选检查结果不存在、不在您的管辖范围内，或检查未发现问题。"]
        else:
            source_kind = SourceKind.INSPECTION
            source_ref = source_ref or result.number
            sources["source_result"] = result
    if source_kind in (SourceKind.INSPECTION, SourceKind.OTHER, SourceKind.ASSIGNED) and not (source_ref or "").strip():
        errors["source_ref"] = ["上级交办、检查发现或其他模块的问题须填写来源编号（如交办单号、检查结果编号）。"]
    parent = None
    if parent_id not in (None, ""):
        parent = Problem.objects.filter(campaign=campaign, pk=parent_id).first()
        if parent is None:
            errors["parent"] = ["上级问题不属于本专项整治。"]
    if errors:
        raise ValidationError(errors)
    dup, score = likely_duplicate(campaign, title, description or "")
    if result is not None:
        # The same inspection result listed again: certainly the same problem, flag it as such.
        same = Problem.objects.filter(source_result=result).exclude(status=Status.MERGED).order_by("id")
        earlier = same.filter(campaign=campaign).first() or same.first()
        if earlier is not None:
            dup, score = earlier, Decimal("1.00")
    try:
        with transaction.atomic():
            problem = Problem.objects.create(
                campaign=campaign, number=_number(campaign), parent=parent, title=title,
                description=(description or "").strip(), source_kind=source_kind,
                source_ref=(source_ref or "").strip()[:120], enterprise=enterprise, raised_by=raised_by,
                possible_duplicate_of=dup, duplicate_score=score if dup else None,
                created_by=actor, created_on=today(), **sources,
            )
    except IntegrityError:
        raise Conflict("该来源已列入本专项整治的问题清单，不能重复列入。", code="already_listed") from None
    transition(problem, action="list", to=Status.LISTED, actor=actor,
               data={"source": source_kind, "ref": problem.source_ref, **({"duplicate_of": dup.number} if dup else {})})
    return problem


def _result_for(actor, result_id):
    from ..permissions import inspection_results_for

    if not str(result_id).isdigit():
        return None
    return inspection_results_for(actor).select_related("inspection__object", "inspection__task__item").filter(
        pk=int(result_id)).first()


def problem_from_result(*, actor, campaign_id: int, result_id: int) -> Problem:
    """从检查结果转为整改问题: an inspection finding becomes a problem in one step, its text taken
    from the result (findings and the rectification ordered); the enterprise inspected is kept."""
    get_campaign_for(actor, campaign_id)  # an out-of-scope campaign is a 404 before anything else
    result = _result_for(actor, result_id)
    if result is None:
        from django.http import Http404

        raise Http404("检查结果不存在、不在您的管辖范围内，或检查未发现问题。")
    obj = result.inspection.object
    findings = (result.findings or "").strip() or str(result.get_result_class_display())
    description = findings + (f"\n整改要求：{result.rectification.strip()}" if result.rectification.strip() else "")
    return problem_create(
        actor=actor, campaign_id=campaign_id, title=f"检查发现：{obj.name} {findings}"[:120],
        description=description, source_kind=SourceKind.INSPECTION, source_ref=result.number,
        source_result_id=result.pk, enterprise=getattr(obj, "enterprise", None),
    )


def problem_from_appeal(*, actor, campaign_id: int, appeal_id: int) -> Problem:
    """一键转为问题: an appeal (有诉即办) becomes a problem; the requester is asked when it closes."""
    from tongban.appeals.kb_services import anonymise
    from tongban.appeals.permissions import get_appeal_for

    appeal = get_appeal_for(actor, appeal_id)
    requester = appeal.requester
    return problem_create(
        actor=actor, campaign_id=campaign_id, title=anonymise(appeal.title, [appeal.requester_name]),
        source_kind=SourceKind.APPEAL,
        description=anonymise(appeal.content, [appeal.requester_name]), source_ref=appeal.number,
        source_appeal=appeal, raised_by=requester, enterprise=getattr(requester, "enterprise", None),
    )


def problem_from_rating(*, actor, campaign_id: int, rating_id: int) -> Problem:
    """An upheld bad review (差评经核实属实) becomes a problem."""
    from tongban.reviews.permissions import get_rating_for

    rating = get_rating_for(actor, rating_id)
    rect = getattr(rating, "rectification", None)
    if not rating.is_bad or rect is None or rect.founded is not True or rating.state == "voided":
        raise ValidationError("只有经核实属实的差评才能列为整改问题。")
    rater = rating.rater if rating.real_name else None
    text = rating.text or rating.get_level_display()
    return problem_create(
        actor=actor, campaign_id=campaign_id, title=f"差评：{text[:60]}", source_kind=SourceKind.REVIEW,
        description=rect.verification, source_ref=f"评价 {rating.pk}", source_rating=rating, raised_by=rater,
        enterprise=getattr(rater, "enterprise", None),
    )


def problem_from_answer(*, actor, answer_id: int, campaign_id=None) -> Problem:
    """A free-text survey answer becomes a problem (the respondent is asked later only if named)."""
    from ..models import Answer, Question
    from ..permissions import surveys_for

    answer = Answer.objects.select_related("question__survey", "response__user", "response__enterprise").filter(
        pk=answer_id, response__survey__in=surveys_for(actor)).first()
    if answer is None:
        from django.http import Http404

        raise Http404("答卷不存在或不在您的管辖范围内。")
    survey = answer.question.survey
    if answer.question.kind != Question.Kind.TEXT or not answer.text.strip():
        raise ValidationError("只有填写了文字的意见可以转为问题。")
    target = campaign_id or survey.campaign_id
    if not target:
        raise ValidationError({"campaign": ["请选择列入哪个专项整治。"]})
    named = not survey.anonymous
    return problem_create(
        actor=actor, campaign_id=target, title=answer.text.strip()[:120], description=answer.text.strip(),
        source_kind=SourceKind.SURVEY, source_ref=f"问卷 {survey.pk} 答卷 {answer.response_id}",
        source_answer=answer, raised_by=answer.response.user if named else None,
        enterprise=answer.response.enterprise if named else None,
    )


def problem_from_opinion(*, actor, opinion_id: int) -> Problem:
    """An opinion heard at a forum, or a finding of an unannounced visit, becomes a problem."""
    from django.http import Http404

    from ..models import Opinion
    from ..permissions import campaigns_for

    opinion = Opinion.objects.select_related("consultation").filter(
        pk=opinion_id, consultation__campaign__in=campaigns_for(actor)).first()
    if opinion is None:
        raise Http404("意见不存在或不在您的管辖范围内。")
    meeting = opinion.consultation
    kind = SourceKind.FORUM if meeting.kind == "forum" else SourceKind.VISIT
    return problem_create(
        actor=actor, campaign_id=meeting.campaign_id, title=opinion.text.strip()[:120], description=opinion.text,
        source_kind=kind, source_ref=f"{meeting.get_kind_display()} {meeting.held_on:%Y-%m-%d} {meeting.place}"[:120],
        source_opinion=opinion,
    )
