"""One-step "turn into a problem" from each channel, each keeping its source."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tongban.core.errors import Conflict
from tongban.ledger import services
from tongban.ledger.models import SourceKind
from tongban.ledger.services import consult

from ..reviews.factories import answered_appeal, concluded_case
from .factories import world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(city_a, pin_today):
    pin_today(dt.date(2026, 3, 2))
    return world(city_a)


def test_an_appeal_becomes_a_problem_once_without_the_requesters_phone(w, enterprise_user, clerk):
    appeal = answered_appeal(enterprise_user, w.city, handler=clerk, content="审批太慢，请回电13812345678")
    p = services.problem_from_appeal(actor=w.office, campaign_id=w.campaign.pk, appeal_id=appeal.pk)
    assert (p.source_kind, p.source_ref, p.raised_by, p.enterprise) == (
        SourceKind.APPEAL, appeal.number, enterprise_user, enterprise_user.enterprise)
    assert "13812345678" not in p.description
    with pytest.raises(Conflict, match="不能重复列入"):
        services.problem_from_appeal(actor=w.office, campaign_id=w.campaign.pk, appeal_id=appeal.pk)


def test_only_an_upheld_bad_review_becomes_a_problem(w, enterprise_user, clerk, reviewer, approver):
    from tongban.reviews import services as reviews

    case = concluded_case(w.city, enterprise_user, clerk=clerk, reviewer=reviewer, approver=approver)
    rating = reviews.rating_submit_case(actor=enterprise_user, case_id=case.pk, level=1, text="窗口多次让我补材料")
    with pytest.raises(ValidationError, match="核实属实"):
        services.problem_from_rating(actor=w.office, campaign_id=w.campaign.pk, rating_id=rating.pk)
    reviews.rectification_verify(actor=approver, rectification_id=rating.rectification.pk, verification="属实",
                                 founded=True)
    p = services.problem_from_rating(actor=w.office, campaign_id=w.campaign.pk, rating_id=rating.pk)
    assert p.source_kind == SourceKind.REVIEW and p.source_rating_id == rating.pk
    assert p.raised_by == enterprise_user


def test_a_survey_free_text_and_a_forum_opinion_become_problems(w, enterprise_user):
    survey = consult.survey_create(actor=w.office, title="营商环境问卷", closes_on="2026-03-31",
                                   campaign_id=w.campaign.pk, anonymous=False,
                                   questions=[{"kind": "text", "text": "您遇到的问题"}])
    q = survey.questions.get()
    resp = consult.survey_answer(survey_id=survey.pk, user=enterprise_user, answers={str(q.pk): "竣工验收要跑三趟"})
    p = services.problem_from_answer(actor=w.office, answer_id=resp.answers.get().pk)
    assert (p.source_kind, p.title, p.raised_by) == (SourceKind.SURVEY, "竣工验收要跑三趟", enterprise_user)
    forum = consult.consultation_record(actor=w.office, campaign_id=w.campaign.pk, kind="forum",
                                        held_on="2026-03-02", place="市人防办三楼会议室", participants="企业代表 8 人",
                                        opinions=["希望公开审批进度", "希望减少现场勘验次数"])
    p2 = services.problem_from_opinion(actor=w.office, opinion_id=forum.opinions.first().pk)
    assert p2.source_kind == SourceKind.FORUM and "会议室" in p2.source_ref


def test_a_unit_lists_its_own_self_inspection_but_nothing_else(w):
    p = services.problem_create(actor=w.clerk, campaign_id=w.campaign.pk, title="自查：咨询电话无人接听",
                                source_kind="self")
    assert p.created_by == w.clerk
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.problem_create(actor=w.clerk, campaign_id=w.campaign.pk, title="交办", source_kind="assigned",
                                source_ref="x")


def test_the_office_answer_needs_a_reason_when_not_adopted(w):
    forum = consult.consultation_record(actor=w.office, campaign_id=w.campaign.pk, kind="visit", held_on="2026-03-02",
                                        place="某区窗口", opinions=["窗口人员离岗"])
    op = forum.opinions.get()
    with pytest.raises(ValidationError, match="理由"):
        consult.opinion_answer(actor=w.office, opinion_id=op.pk, decision="not_adopted", reply="")
    consult.opinion_answer(actor=w.office, opinion_id=op.pk, decision="adopted", reply="已建立离岗登记制度")
    op.refresh_from_db()
    assert op.decision == "adopted"
