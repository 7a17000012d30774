"""好差评 API: rate, list, rectify; thin over services and selectors."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from ninja import Query, Router, Schema

from tongban.core.api_auth import OPTIONAL_AUTH
from tongban.core.pagination import PAGE_HELP, page_slice

from . import selectors, services
from .models import BAD_LEVELS, Rating
from .permissions import get_rating_for, ratings_for

router = Router(tags=["好差评"])


class RatingIn(Schema):
    target: str  # case, appeal
    case_id: int | None = None
    appeal_id: int | None = None
    number: str = ""  # anonymous appeal: number and query code
    code: str = ""
    level: int
    aspects: list[str] = []
    text: str = ""
    anonymous: bool = False


class RectificationOut(Schema):
    id: int
    status: str
    due_on: dt.date
    verification: str
    founded: bool | None
    outcome: str
    measures: str
    answer: str
    answered_on: dt.date | None
    on_time: bool | None
    row_version: int


class RatingOut(Schema):
    id: int
    target: str
    level: int
    level_label: str
    aspects: list[str]
    text: str
    organisation: str
    real_name: bool
    state: str
    rated_on: dt.date
    rectification: RectificationOut | None


def _out(rating: Rating) -> dict:
    rect = getattr(rating, "rectification", None)
    return {
        "id": rating.pk, "target": rating.target, "level": rating.level, "level_label": rating.get_level_display(),
        "aspects": rating.aspects, "text": rating.text, "organisation": rating.organisation.name,
        "real_name": rating.real_name, "state": rating.state, "rated_on": rating.rated_on,
        "rectification": rect,
    }


@router.post("/", response={201: RatingOut}, auth=OPTIONAL_AUTH, operation_id="review_submit",
             summary="评价办结的办件或已答复的诉求（每件一次；1-2 级为差评，自动立案整改）")
def review_submit(request, payload: RatingIn):
    kw = {"level": payload.level, "aspects": payload.aspects, "text": payload.text, "real_name": not payload.anonymous}
    user = request.user if request.user.is_authenticated else None
    if payload.target == "case" and payload.case_id:
        rating = services.rating_submit_case(actor=user, case_id=payload.case_id, **kw)
    elif payload.target == "appeal" and payload.appeal_id and user is not None:
        rating = services.rating_submit_appeal(actor=user, appeal_id=payload.appeal_id, **kw)
    elif payload.target == "appeal" and payload.number:
        rating = services.rating_submit_appeal_by_code(number=payload.number, code=payload.code, **kw)
    else:
        raise ValidationError({"target": ["请指明评价对象：case 与 case_id，或 appeal 与 appeal_id（或编号和查询码）。"]})
    return 201, _out(rating)


@router.get("/", response=list[RatingOut], operation_id="review_list", summary="评价列表（按权限范围）")
def review_list(request, bad: bool = False, page: int = Query(1, description=PAGE_HELP)):
    qs = ratings_for(request.user).select_related("organisation", "rectification").order_by("-created_at", "-id")
    if bad:
        qs = qs.filter(level__in=BAD_LEVELS)
    return [_out(r) for r in page_slice(qs, page, 50)]


class RectifyIn(Schema):
    step: str  # verify, answer
    verification: str = ""
    founded: bool = True
    outcome: str = ""
    measures: str = ""
    answer: str = ""
    row_version: int | None = None


@router.post("/{rating_id}/rectify", response=RatingOut, operation_id="review_rectify",
             summary="差评整改：核实（verify），整改或说明并答复评价人（answer）")
def review_rectify(request, rating_id: int, payload: RectifyIn):
    rating = get_rating_for(request.user, rating_id)
    rect = getattr(rating, "rectification", None)
    if rect is None:
        raise ValidationError("该评价不是差评，无需整改。")
    if payload.step == "verify":
        services.rectification_verify(actor=request.user, rectification_id=rect.pk, verification=payload.verification,
                                      founded=payload.founded, expected_version=payload.row_version)
    elif payload.step == "answer":
        services.rectification_answer(actor=request.user, rectification_id=rect.pk, outcome=payload.outcome,
                                      measures=payload.measures, answer=payload.answer,
                                      expected_version=payload.row_version)
    else:
        raise ValidationError({"step": ["step 应为 verify 或 answer。"]})
    return _out(get_rating_for(request.user, rating_id))


class AppealIn(Schema):
    reason: str
    statement: str


@router.post("/{rating_id}/appeal", response={201: dict}, operation_id="review_appeal",
             summary="对误评或恶意差评提出申诉")
def review_appeal(request, rating_id: int, payload: AppealIn):
    row = services.rating_appeal_file(actor=request.user, rating_id=rating_id, reason=payload.reason,
                                      statement=payload.statement)
    return 201, {"id": row.pk, "status": row.status}


class DecideIn(Schema):
    uphold: bool
    note: str


@router.post("/appeals/{appeal_id}/decide", response=dict, operation_id="review_appeal_decide",
             summary="审批负责人审核差评申诉")
def review_appeal_decide(request, appeal_id: int, payload: DecideIn):
    row = services.rating_appeal_decide(actor=request.user, appeal_id=appeal_id, uphold=payload.uphold,
                                        note=payload.note)
    return {"id": row.pk, "status": row.status}


@router.get("/metrics", response=dict, auth=None, operation_id="review_metrics", summary="好差评公开统计")
def review_metrics(request):
    return {k: v for k, v in selectors.summary(Rating.objects.all()).items()}
