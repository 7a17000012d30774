"""Surveys: one answer per respondent (named and anonymous), closing date, invited enterprises,
results as counts and Excel."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import load_workbook

from tongban.core.errors import Conflict
from tongban.ledger.models import Response
from tongban.ledger.services import consult

from .factories import enterprise_user, world

pytestmark = pytest.mark.django_db

QUESTIONS = [
    {"kind": "single", "text": "您办理过哪类事项", "options": ["报建审批", "竣工验收"]},
    {"kind": "multiple", "text": "您遇到过的问题", "options": ["材料多", "时间长", "态度差"], "required": False},
    {"kind": "scale", "text": "总体满意度", "scale_max": 5},
    {"kind": "text", "text": "意见建议", "required": False},
]


@pytest.fixture
def w(city_a, pin_today):
    pin_today(dt.date(2026, 3, 2))
    return world(city_a)


def _survey(w, **kw):
    return consult.survey_create(actor=w.office, title="营商环境满意度问卷", closes_on="2026-03-20",
                                 questions=QUESTIONS, campaign_id=w.campaign.pk, **kw)


def _answers(s, single=0, multiple=(1,), scale=4, text="希望网上能查进度"):
    q = list(s.questions.all())
    return {str(q[0].pk): str(single), str(q[1].pk): [str(m) for m in multiple], str(q[2].pk): str(scale),
            str(q[3].pk): text}


def test_one_answer_per_anonymous_respondent(w):
    from django.contrib.auth.models import AnonymousUser

    s = _survey(w)
    consult.survey_answer(survey_id=s.pk, user=AnonymousUser(), token="t" * 24, answers=_answers(s))
    with pytest.raises(Conflict, match="只能提交一次"):
        consult.survey_answer(survey_id=s.pk, user=AnonymousUser(), token="t" * 24, answers=_answers(s, scale=1))
    consult.survey_answer(survey_id=s.pk, user=AnonymousUser(), token="u" * 24, answers=_answers(s, single=1))
    assert Response.objects.filter(survey=s).count() == 2


def test_one_answer_per_named_respondent_whatever_the_browser(w):
    s = _survey(w, anonymous=False)
    ent = enterprise_user()
    consult.survey_answer(survey_id=s.pk, user=ent, token="a" * 24, answers=_answers(s))
    with pytest.raises(Conflict):
        consult.survey_answer(survey_id=s.pk, user=ent, token="b" * 24, answers=_answers(s))
    assert Response.objects.get(survey=s).user == ent


def test_the_database_holds_the_one_answer_rule(w):
    from django.db import IntegrityError

    s = _survey(w)
    Response.objects.create(survey=s, respondent_key="a:x")
    with pytest.raises(IntegrityError):
        Response.objects.create(survey=s, respondent_key="a:x")


def test_invited_surveys_take_only_the_invited_enterprises(w):
    ent, other = enterprise_user(), enterprise_user()
    s = _survey(w, audience="invited", invited_ids=[ent.enterprise_id])
    assert s.anonymous is False
    with pytest.raises(PermissionDenied):
        consult.survey_answer(survey_id=s.pk, user=other, answers=_answers(s))
    consult.survey_answer(survey_id=s.pk, user=ent, answers=_answers(s))


def test_a_closed_survey_takes_no_answers_and_bad_answers_change_nothing(w, pin_today):
    s = _survey(w)
    with pytest.raises(ValidationError, match="1-5"):
        consult.survey_answer(survey_id=s.pk, user=None, token="t" * 24, answers=_answers(s, scale=9))
    with pytest.raises(ValidationError, match="必答"):
        consult.survey_answer(survey_id=s.pk, user=None, token="t" * 24, answers={})
    pin_today(dt.date(2026, 3, 21))
    with pytest.raises(Conflict, match="截止"):
        consult.survey_answer(survey_id=s.pk, user=None, token="t" * 24, answers=_answers(s))
    assert not Response.objects.exists()


def test_results_count_each_option_and_read_back_from_excel(w):
    s = _survey(w)
    for i, (single, scale) in enumerate([(0, 5), (0, 4), (1, 2)]):
        consult.survey_answer(survey_id=s.pk, user=None, token=f"{i}" * 24,
                              answers=_answers(s, single=single, scale=scale, multiple=(0, 1) if i else (1,)))
    single, multiple, scale, text = consult.survey_results(s)
    assert [(b["label"], b["count"]) for b in single["bars"]] == [("报建审批", 2), ("竣工验收", 1)]
    assert [b["count"] for b in multiple["bars"]] == [2, 3, 0]
    assert scale["mean"] == 3.67
    assert len(text["texts"]) == 3
    ws = load_workbook(io.BytesIO(consult.results_xlsx(s))).active
    rows = [tuple(c.value for c in r) for r in ws.iter_rows(min_row=2)]
    assert ("您办理过哪类事项", "报建审批", 2, 67) in rows
