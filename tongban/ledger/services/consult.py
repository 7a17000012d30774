"""Surveys (网上问卷), forums (座谈会) and unannounced visits (明察暗访), and the office's
published answer to what it heard.

One answer per respondent: a named survey keys the answer sheet on the account (`u:<id>`); an
anonymous one on the SHA-256 of a random token the browser holds in a signed cookie
(`a:<sha256>`); the database's unique constraint on (survey, key) refuses a second sheet, and the
public answer page is rate-limited per address so clearing cookies does not flood a survey.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404

from tongban.accounts.models import Enterprise
from tongban.core import attachments, audit
from tongban.core.errors import Conflict
from tongban.core.permissions import require

from ..models import Answer, Consultation, Opinion, Question, Response, Survey
from ..permissions import get_campaign_for, get_survey_for
from ._common import today


def _clean_questions(questions) -> list[dict]:
    out, errors = [], []
    for i, q in enumerate(questions or [], start=1):
        kind, text = (q.get("kind") or "").strip(), (q.get("text") or "").strip()
        options = [str(o).strip()[:200] for o in (q.get("options") or []) if str(o).strip()][:30]
        if kind not in Question.Kind.values:
            errors.append(f"第 {i} 题：题型应为单选、多选、量表或填空。")
        if not text:
            errors.append(f"第 {i} 题：请填写题目。")
        if kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE) and len(options) < 2:
            errors.append(f"第 {i} 题：选择题至少两个选项。")
        scale = q.get("scale_max") or 5
        if kind == Question.Kind.SCALE and not (isinstance(scale, int) and 2 <= scale <= 10):
            errors.append(f"第 {i} 题：量表为 2-10 级。")
        out.append({"kind": kind, "text": text[:300], "options": options, "scale_max": scale if isinstance(scale, int) else 5,
                    "required": bool(q.get("required", True)), "order": i})
    if not out:
        errors.append("问卷至少要有一道题。")
    if errors:
        raise ValidationError({"questions": errors})
    return out


@transaction.atomic
def survey_create(*, actor, title: str, closes_on, questions, intro: str = "", audience: str = "public",
                  anonymous: bool = True, campaign_id=None, invited_ids=(), open_now: bool = True) -> Survey:
    require(actor, "ledger.consult")
    errors: dict[str, list[str]] = {}
    title = (title or "").strip()
    if not title or len(title) > 150:
        errors["title"] = ["请填写问卷标题（不超过 150 字）。"]
    try:
        closes = closes_on if isinstance(closes_on, dt.date) else dt.date.fromisoformat(str(closes_on))
        if closes < today():
            errors["closes_on"] = ["截止日期不能早于今天。"]
    except ValueError:
        errors["closes_on"] = ["请填写正确的截止日期。"]
        closes = None
    if audience not in Survey.Audience.values:
        errors["audience"] = ["对象应为公开征集或定向企业。"]
    invited = list(Enterprise.objects.filter(pk__in=[int(i) for i in invited_ids if str(i).isdigit()]))
    if audience == Survey.Audience.INVITED:
        anonymous = False  # invited enterprises answer with their account: that is how "one each" is kept
        if not invited:
            errors["invited"] = ["定向问卷请至少选择一家企业。"]
    campaign = get_campaign_for(actor, campaign_id) if campaign_id not in (None, "") else None
    try:
        clean = _clean_questions(questions)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    survey = Survey.objects.create(
        campaign=campaign, organisation=actor.organisation.agency(), title=title, intro=(intro or "").strip(),
        audience=audience, anonymous=bool(anonymous), closes_on=closes,
        status=Survey.Status.OPEN if open_now else Survey.Status.DRAFT, created_by=actor,
    )
    survey.invited.set(invited)
    Question.objects.bulk_create([Question(survey=survey, **q) for q in clean])
    audit.record("ledger.survey_create", actor=actor, obj=survey, changes={"title": title, "questions": len(clean)})
    return survey


def is_open(survey: Survey, on: dt.date | None = None) -> bool:
    return survey.status == Survey.Status.OPEN and (on or today()) <= survey.closes_on


def may_answer(user, survey: Survey) -> bool:
    if survey.audience == Survey.Audience.PUBLIC:
        return survey.anonymous or bool(getattr(user, "is_authenticated", False))
    ent = getattr(user, "enterprise_id", None)
    return bool(ent) and survey.invited.filter(pk=ent).exists()


def respondent_key(survey: Survey, user, token: str) -> str:
    if not survey.anonymous:
        return f"u:{user.pk}"
    if getattr(user, "is_authenticated", False) and getattr(user, "is_applicant", False):
        return f"u:{user.pk}"  # a logged-in applicant answers once even on an anonymous survey
    if not token or len(token) < 16:
        raise ValidationError("无法识别答卷人，请允许浏览器保存 Cookie 后重试。")
    return "a:" + hashlib.sha256(f"{survey.pk}:{token}".encode()).hexdigest()


def _clean_answer(q: Question, raw) -> dict | None:
    if raw in (None, "", []):
        if q.required:
            raise ValidationError(f"“{q.text}”为必答题。")
        return None
    if q.kind == Question.Kind.TEXT:
        text = str(raw).strip()
        if len(text) > 2000:
            raise ValidationError(f"“{q.text}”的回答不超过 2000 字。")
        return {"text": text} if text else None
    values = raw if isinstance(raw, list) else [raw]
    try:
        ints = [int(v) for v in values]
    except (TypeError, ValueError):
        raise ValidationError(f"“{q.text}”的回答不正确。") from None
    if q.kind == Question.Kind.SCALE:
        if len(ints) != 1 or not 1 <= ints[0] <= q.scale_max:
            raise ValidationError(f"“{q.text}”请在 1-{q.scale_max} 中选择。")
        return {"value": ints[0]}
    if any(not 0 <= i < len(q.options) for i in ints) or len(set(ints)) != len(ints):
        raise ValidationError(f"“{q.text}”的选项不正确。")
    if q.kind == Question.Kind.SINGLE and len(ints) != 1:
        raise ValidationError(f"“{q.text}”为单选题。")
    return {"choices": sorted(ints)}


@transaction.atomic
def survey_answer(*, survey_id: int, user, token: str = "", answers: dict) -> Response:
    """Submit one answer sheet; a second one from the same respondent is refused (409)."""
    survey = Survey.objects.filter(pk=survey_id).exclude(status=Survey.Status.DRAFT).first()
    if survey is None:
        raise Http404("问卷不存在。")
    if not is_open(survey):
        raise Conflict(f"问卷已于 {survey.closes_on} 截止，不再接受答卷。", code="closed")
    if not may_answer(user, survey):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("本问卷面向定向邀请的企业，或须登录后实名作答。")
    key = respondent_key(survey, user, token)
    questions = list(survey.questions.all())
    rows = []
    errors = []
    for q in questions:
        try:
            clean = _clean_answer(q, (answers or {}).get(str(q.pk), (answers or {}).get(q.pk)))
        except ValidationError as exc:
            errors.extend(exc.messages)
            continue
        if clean:
            rows.append((q, clean))
    if errors:
        raise ValidationError(errors)
    if not rows:
        raise ValidationError("请至少回答一道题。")
    named = getattr(user, "is_authenticated", False) and not survey.anonymous
    try:
        with transaction.atomic():
            response = Response.objects.create(
                survey=survey, respondent_key=key, user=user if named else None,
                enterprise_id=getattr(user, "enterprise_id", None) if named else None)
    except IntegrityError:
        raise Conflict("您已提交过本问卷，每位答卷人只能提交一次。", code="already_answered") from None
    Answer.objects.bulk_create([Answer(response=response, question=q, **clean) for q, clean in rows])
    return response


def survey_results(survey: Survey) -> list[dict]:
    """Per question: option counts and shares, the scale's mean and distribution, the texts."""
    from django.db.models import Count

    total = survey.responses.count()
    out = []
    for q in survey.questions.all():
        answers = Answer.objects.filter(question=q)
        item = {"id": q.pk, "text": q.text, "kind": q.kind, "kind_label": q.get_kind_display(), "answered": answers.count()}
        if q.kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
            counts = [0] * len(q.options)
            for choices in answers.values_list("choices", flat=True):
                for c in choices:
                    if 0 <= c < len(counts):
                        counts[c] += 1
            item["bars"] = [{"label": o, "count": n, "pct": round(100 * n / total) if total else 0}
                            for o, n in zip(q.options, counts, strict=True)]
        elif q.kind == Question.Kind.SCALE:
            dist = dict(answers.values_list("value").annotate(n=Count("id")))
            n = sum(dist.values())
            item["mean"] = round(sum(v * c for v, c in dist.items()) / n, 2) if n else None
            item["bars"] = [{"label": str(v), "count": dist.get(v, 0), "pct": round(100 * dist.get(v, 0) / n) if n else 0}
                            for v in range(1, q.scale_max + 1)]
        else:
            item["texts"] = list(answers.exclude(text="").values("id", "text", "response_id"))
        out.append(item)
    return out


def results_xlsx(survey: Survey) -> bytes:
    import io

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "统计"
    ws.append(["题目", "选项", "人数", "占比（%）"])
    for item in survey_results(survey):
        for bar in item.get("bars", []):
            ws.append([item["text"], bar["label"], bar["count"], bar["pct"]])
        if item.get("mean") is not None:
            ws.append([item["text"], "平均分", item["mean"], ""])
        for t in item.get("texts", []):
            ws.append([item["text"], t["text"], "", ""])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@transaction.atomic
def survey_close(*, actor, survey_id: int, answer_text: str = "") -> Survey:
    """Close the survey and publish what was adopted and why not."""
    survey = get_survey_for(actor, survey_id, manage=True)
    survey.status = Survey.Status.CLOSED
    if answer_text:
        survey.answer_text = answer_text.strip()
    survey.save(update_fields=["status", "answer_text"])
    audit.record("ledger.survey_close", actor=actor, obj=survey, changes={"answer": bool(survey.answer_text)})
    return survey


@transaction.atomic
def consultation_record(*, actor, campaign_id: int, kind: str, held_on, place: str, participants: str = "",
                        summary: str = "", opinions=(), upload=None) -> Consultation:
    require(actor, "ledger.consult")
    campaign = get_campaign_for(actor, campaign_id)
    errors: dict[str, list[str]] = {}
    if kind not in Consultation.Kind.values:
        errors["kind"] = ["类型应为座谈会或明察暗访。"]
    try:
        day = held_on if isinstance(held_on, dt.date) else dt.date.fromisoformat(str(held_on))
        if day > today():
            errors["held_on"] = ["不能记录尚未举行的座谈或暗访。"]
    except ValueError:
        errors["held_on"] = ["请填写正确的日期。"]
        day = None
    if not (place or "").strip():
        errors["place"] = ["请填写地点或被访单位。"]
    texts = [t.strip() for t in opinions if t and t.strip()]
    if not texts:
        errors["opinions"] = ["请至少记录一条意见或发现。"]
    if errors:
        raise ValidationError(errors)
    att = attachments.store(upload, actor=actor, label="附件") if upload else None
    row = Consultation.objects.create(campaign=campaign, kind=kind, held_on=day, place=place.strip()[:200],
                                      participants=participants or "", summary=summary or "", attachment=att,
                                      recorded_by=actor)
    Opinion.objects.bulk_create([Opinion(consultation=row, text=t) for t in texts])
    audit.record("ledger.consultation_record", actor=actor, obj=row, changes={"opinions": len(texts)})
    return row


@transaction.atomic
def opinion_answer(*, actor, opinion_id: int, decision: str, reply: str) -> Opinion:
    """The office's answer: adopted, or not adopted and why; published with the consultation."""
    require(actor, "ledger.consult")
    from ..permissions import campaigns_for

    opinion = Opinion.objects.select_for_update().filter(
        pk=opinion_id, consultation__campaign__in=campaigns_for(actor)).first()
    if opinion is None:
        raise Http404("意见不存在或不在您的管辖范围内。")
    reply = (reply or "").strip()
    if decision not in (Opinion.Decision.ADOPTED, Opinion.Decision.NOT_ADOPTED):
        raise ValidationError({"decision": ["请选择采纳或未采纳。"]})
    if decision == Opinion.Decision.NOT_ADOPTED and not reply:
        raise ValidationError({"reply": ["未采纳的意见须说明理由。"]})
    opinion.decision, opinion.reply = decision, reply
    opinion.save(update_fields=["decision", "reply"])
    audit.record("ledger.opinion_answer", actor=actor, obj=opinion, changes={"decision": decision})
    return opinion
