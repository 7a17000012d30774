"""整治台账 API: campaigns, problems, tasks, close-out, re-checks, import and export, surveys and
assessment; thin over the services and selectors (the same rules as the pages)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from ninja import File, Form, Query, Router, Schema
from ninja.files import UploadedFile

from tongban.core.pagination import PAGE_HELP, page_slice

from . import selectors, services
from .assessment import services as assessment
from .models import ImportJob, Problem
from .permissions import (
    get_campaign_for,
    get_problem_for,
    get_run_for,
    get_survey_for,
    problems_for,
)
from .services import bulk, consult

router = Router(tags=["整治台账"])


class CampaignIn(Schema):
    title: str
    code: str
    lead_office_id: int
    superior: str
    starts_on: dt.date
    finding_until: dt.date
    rectifying_until: dt.date
    rules_until: dt.date
    ends_on: dt.date
    participant_ids: list[int] = []
    publish_list: bool = False
    default_limit_days: int = 20
    recheck_ratio: str = "0.2"


class CampaignOut(Schema):
    id: int
    title: str
    code: str
    phase: str
    lead_office: str
    superior: str
    starts_on: dt.date
    ends_on: dt.date
    publish_list: bool


def _campaign(c) -> dict:
    return {"id": c.pk, "title": c.title, "code": c.code, "phase": c.phase, "lead_office": c.lead_office.name,
            "superior": c.superior, "starts_on": c.starts_on, "ends_on": c.ends_on, "publish_list": c.publish_list}


@router.post("/campaigns", response={201: CampaignOut}, operation_id="ledger_campaign_create",
             summary="新建专项整治（阶段：查摆问题 → 集中整治 → 建章立制 → 总结巩固）")
def ledger_campaign_create(request, payload: CampaignIn):
    return 201, _campaign(services.campaign_create(actor=request.user, **payload.dict()))


class ProblemIn(Schema):
    title: str
    source_kind: str = "self"
    description: str = ""
    source_ref: str = ""
    parent_id: int | None = None
    appeal_id: int | None = None  # turn an appeal into a problem
    rating_id: int | None = None  # turn an upheld bad review into a problem
    inspection_result_id: int | None = None  # turn an inspection result with findings into a problem


class ProblemOut(Schema):
    id: int
    number: str
    title: str
    status: str
    source_kind: str
    source_ref: str
    possible_duplicate_of: str | None
    lead_unit: str | None
    co_units: list[str]
    leader: str | None
    measures: str
    limit_days: int | None
    due_on: dt.date | None
    warning: str
    progress: int
    steps_total: int
    steps_done: int
    round: int
    closed_on: dt.date | None
    satisfaction: str
    row_version: int
    actions: list[str]


def _problem(request, p: Problem) -> dict:
    return {
        "id": p.pk, "number": p.number, "title": p.title, "status": p.status, "source_kind": p.source_kind,
        "source_ref": p.source_ref,
        "possible_duplicate_of": p.possible_duplicate_of.number if p.possible_duplicate_of_id else None,
        "lead_unit": p.lead_unit.name if p.lead_unit_id else None, "co_units": [u.name for u in p.co_units.all()],
        "leader": p.leader.display_name if p.leader_id else None, "measures": p.measures,
        "limit_days": p.limit_days, "due_on": p.due_on, "warning": p.warning, "progress": p.progress,
        "steps_total": p.steps_total, "steps_done": p.steps_done, "round": p.round, "closed_on": p.closed_on,
        "satisfaction": p.satisfaction, "row_version": p.row_version,
        "actions": sorted(selectors.available_actions(request.user, p)),
    }


@router.post("/campaigns/{campaign_id}/problems", response={201: ProblemOut}, operation_id="ledger_problem_create",
             summary="列入问题（自查、交办、检查发现等），或一键将诉求、属实差评转为问题；相似问题提示疑似重复")
def ledger_problem_create(request, campaign_id: int, payload: ProblemIn):
    if payload.appeal_id:
        p = services.problem_from_appeal(actor=request.user, campaign_id=campaign_id, appeal_id=payload.appeal_id)
    elif payload.rating_id:
        p = services.problem_from_rating(actor=request.user, campaign_id=campaign_id, rating_id=payload.rating_id)
    elif payload.inspection_result_id:
        p = services.problem_from_result(actor=request.user, campaign_id=campaign_id,
                                         result_id=payload.inspection_result_id)
    else:
        p = services.problem_create(actor=request.user, campaign_id=campaign_id, title=payload.title,
                                    source_kind=payload.source_kind, description=payload.description,
                                    source_ref=payload.source_ref, parent_id=payload.parent_id)
    return 201, _problem(request, get_problem_for(request.user, p.pk))


@router.get("/campaigns/{campaign_id}/problems", response=list[ProblemOut], operation_id="ledger_problem_list",
            summary="问题清单与整改台账（按权限范围）")
def ledger_problem_list(request, campaign_id: int, status: str = "", overdue: bool = False,
                        page: int = Query(1, description=PAGE_HELP)):
    campaign = get_campaign_for(request.user, campaign_id)
    qs = selectors.with_units(problems_for(request.user).filter(campaign=campaign)).select_related(
        "possible_duplicate_of").order_by("number")
    if status:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.filter(warning="red")
    return [_problem(request, p) for p in page_slice(qs, page, 50)]


class LedgerTaskIn(Schema):
    measures: str | None = None  # with lead_unit_id and leader_id: (re)assign the task
    lead_unit_id: int | None = None
    co_unit_ids: list[int] = []
    leader_id: int | None = None
    limit_days: int | None = None
    steps_total: int = 0
    progress: int | None = None  # or steps_done for a task in steps
    steps_done: int | None = None
    note: str = ""
    evidence_unit_id: int | None = None  # with note: a unit's evidence (no file through the API)
    row_version: int | None = None


@router.post("/problems/{problem_id}/task", response=ProblemOut, operation_id="ledger_task_update",
             summary="交办整改任务（措施、牵头与配合单位、责任领导、工作日时限），更新进展，或提交单位整改情况")
def ledger_task_update(request, problem_id: int, payload: LedgerTaskIn):
    version = payload.row_version
    if payload.measures is not None:
        services.task_assign(actor=request.user, problem_id=problem_id, measures=payload.measures,
                             lead_unit_id=payload.lead_unit_id, leader_id=payload.leader_id,
                             limit_days=payload.limit_days, co_unit_ids=payload.co_unit_ids,
                             steps_total=payload.steps_total, expected_version=version)
        version = None
    if payload.evidence_unit_id is not None:
        services.evidence_submit(actor=request.user, problem_id=problem_id, unit_id=payload.evidence_unit_id,
                                 note=payload.note, expected_version=version)
        version = None
    if payload.progress is not None or payload.steps_done is not None:
        services.task_progress(actor=request.user, problem_id=problem_id, progress=payload.progress,
                               steps_done=payload.steps_done, note=payload.note, expected_version=version)
    if payload.measures is None and payload.evidence_unit_id is None and payload.progress is None \
            and payload.steps_done is None:
        raise ValidationError("请提供交办内容（measures 等）、进展（progress/steps_done）或整改情况（evidence_unit_id）。")
    return _problem(request, get_problem_for(request.user, problem_id))


class CloseoutIn(Schema):
    summary: str
    row_version: int | None = None


@router.post("/problems/{problem_id}/closeout", response=ProblemOut, operation_id="ledger_closeout_submit",
             summary="申请销号：须有牵头单位和每个配合单位的整改佐证")
def ledger_closeout_submit(request, problem_id: int, payload: CloseoutIn):
    services.closeout_submit(actor=request.user, problem_id=problem_id, summary=payload.summary,
                             expected_version=payload.row_version)
    return _problem(request, get_problem_for(request.user, problem_id))


class LedgerDecideIn(Schema):
    approve: bool
    reasons: str = ""
    row_version: int | None = None


@router.post("/problems/{problem_id}/closeout/decide", response=ProblemOut, operation_id="ledger_closeout_decide",
             summary="责任领导签批销号或退回整改（退回须写明理由）")
def ledger_closeout_decide(request, problem_id: int, payload: LedgerDecideIn):
    services.closeout_decide(actor=request.user, problem_id=problem_id, approve=payload.approve,
                             reasons=payload.reasons, expected_version=payload.row_version)
    return _problem(request, get_problem_for(request.user, problem_id))


class RecheckIn(Schema):
    step: str  # commit, enter, confirm
    recheck_id: int | None = None
    ratio: str | None = None
    numbers: str = ""
    source: str = ""


class RecheckOut(Schema):
    id: int
    number: str
    status: str
    ratio: str
    frozen_ids: list[str]
    list_hash: str
    commitment: str
    document: dict
    public_numbers: list[str]
    seed: str
    selected: list[str]


@router.post("/campaigns/{campaign_id}/rechecks", response=RecheckOut, operation_id="ledger_recheck_draw",
             summary="回头看：commit 锁定已销号名单并公布承诺值；enter 录入公开号码；confirm 另一人复核后抽取")
def ledger_recheck_draw(request, campaign_id: int, payload: RecheckIn):
    get_campaign_for(request.user, campaign_id)
    if payload.step == "commit":
        row = services.recheck_commit(actor=request.user, campaign_id=campaign_id, ratio=payload.ratio)
    elif payload.step in ("enter", "confirm") and payload.recheck_id:
        from .models import Recheck

        if not Recheck.objects.filter(pk=payload.recheck_id, campaign_id=campaign_id).exists():
            from django.http import Http404

            raise Http404("回头看抽取不存在。")
        if payload.step == "enter":
            row = services.recheck_enter(actor=request.user, recheck_id=payload.recheck_id, numbers=payload.numbers,
                                         source=payload.source)
        else:
            row = services.recheck_confirm(actor=request.user, recheck_id=payload.recheck_id, numbers=payload.numbers)
    else:
        raise ValidationError({"step": ["step 为 commit，或 enter/confirm 并给出 recheck_id。"]})
    return {f: getattr(row, f) for f in RecheckOut.model_fields} | {"id": row.pk}


class LedgerImportOut(Schema):
    id: int
    status: str
    created_count: int
    updated_count: int
    report: list[dict]


@router.post("/campaigns/{campaign_id}/import", response={202: LedgerImportOut}, operation_id="ledger_import",
             summary="Excel 批量导入或更新问题与进展（后台执行；任一行有误则全部不写入，逐行报告）")
def ledger_import(request, campaign_id: int, file: File[UploadedFile]):
    job = bulk.import_start(actor=request.user, campaign_id=campaign_id, upload=file)
    job = ImportJob.objects.get(pk=job.pk)
    return 202, {"id": job.pk, "status": job.status, "created_count": job.created_count,
                 "updated_count": job.updated_count, "report": job.report}


@router.get("/campaigns/{campaign_id}/export", operation_id="ledger_export",
            summary="导出整改台账（format=xlsx 或 docx；序号、问题、整改措施、责任单位、责任人、整改时限、进展、是否销号）")
def ledger_export(request, campaign_id: int, format: str = "xlsx"):
    data, name, ctype = bulk.campaign_export(actor=request.user, campaign_id=campaign_id, fmt=format)
    from urllib.parse import quote

    response = HttpResponse(data, content_type=ctype)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


# --- surveys ----------------------------------------------------------------------------------


class QuestionIn(Schema):
    kind: str
    text: str
    options: list[str] = []
    scale_max: int = 5
    required: bool = True


class SurveyIn(Schema):
    title: str
    closes_on: dt.date
    questions: list[QuestionIn]
    intro: str = ""
    audience: str = "public"
    anonymous: bool = True
    campaign_id: int | None = None
    invited_ids: list[int] = []


class SurveyOut(Schema):
    id: int
    title: str
    audience: str
    anonymous: bool
    closes_on: dt.date
    status: str
    questions: list[dict]


def _survey(s) -> dict:
    return {"id": s.pk, "title": s.title, "audience": s.audience, "anonymous": s.anonymous, "closes_on": s.closes_on,
            "status": s.status, "questions": [{"id": q.pk, "kind": q.kind, "text": q.text, "options": q.options,
                                               "scale_max": q.scale_max, "required": q.required}
                                              for q in s.questions.all()]}


@router.post("/surveys", response={201: SurveyOut}, operation_id="survey_create",
             summary="发布网上问卷（单选、多选、量表、填空；公开或定向企业；匿名或实名；截止日期）")
def survey_create(request, payload: SurveyIn):
    data = payload.dict()
    data["questions"] = [q for q in data["questions"]]
    return 201, _survey(consult.survey_create(actor=request.user, **data))


class AnswerIn(Schema):
    answers: dict[str, str | int | list[int] | list[str]]


@router.post("/surveys/{survey_id}/answers", response={201: dict}, operation_id="survey_answer",
             summary="提交答卷（接口须登录，按账号每人一份；匿名作答请使用问卷页面）")
def survey_answer(request, survey_id: int, payload: AnswerIn):
    row = consult.survey_answer(survey_id=survey_id, user=request.user, answers=payload.answers)
    return 201, {"id": row.pk}


@router.get("/surveys/{survey_id}/results", response=list[dict], operation_id="survey_results",
            summary="问卷结果：各选项人数与占比、量表平均分、文字意见")
def survey_results(request, survey_id: int):
    return consult.survey_results(get_survey_for(request.user, survey_id))


# --- assessment -------------------------------------------------------------------------------


class AssessmentRunIn(Schema):
    scheme_id: int
    period: str  # 2026Q1


class ScoreOut(Schema):
    id: int
    run_id: int
    period: str
    organisation: str
    total: float | None
    grade: str
    rank: int | None
    points: list[dict]


def _score(s) -> dict:
    return {"id": s.pk, "run_id": s.run_id, "period": s.run.label, "organisation": s.organisation.name,
            "total": float(s.total) if s.total is not None else None, "grade": s.grade, "rank": s.rank,
            "points": [{"id": p.pk, "indicator": p.indicator.code, "version": p.indicator.version,
                        "name": p.indicator.name, "weight": float(p.weight), "numerator": p.numerator,
                        "denominator": p.denominator, "rate": float(p.rate) if p.rate is not None else None,
                        "points": float(p.points) if p.points is not None else None, "records": p.records}
                       for p in s.points.select_related("indicator")]}


@router.post("/assessment/runs", response={201: list[ScoreOut]}, operation_id="assessment_run",
             summary="季度考评：按方案（指标版本、单位类型权重）计算各单位得分和等次，并保存计算口径")
def assessment_run(request, payload: AssessmentRunIn):
    run = assessment.assessment_run(actor=request.user, scheme_id=payload.scheme_id, period=payload.period)
    return 201, [_score(s) for s in run.scores.select_related("organisation", "run")]


@router.get("/assessment/runs/{run_id}/scores/{organisation_id}", response=ScoreOut, operation_id="assessment_score_get",
            summary="某单位某期得分：各指标得分率、分子分母及计入的记录编号（可逐条核对）")
def assessment_score_get(request, run_id: int, organisation_id: int):
    run = get_run_for(request.user, run_id)
    score = run.scores.select_related("organisation", "run").filter(organisation_id=organisation_id).first()
    if score is None:
        from django.http import Http404

        raise Http404("该单位不在本次考评中。")
    return _score(score)


__all__ = ["Form"]
