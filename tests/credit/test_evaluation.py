"""Practitioner evaluation: set-based, and the breakdown sums to the score (caps and bounds
included); publication; an objection to a grade recomputes the firm."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import EnterpriseFactory
from tongban.credit import services
from tongban.credit.models import Evaluation, EvaluationLine, EvaluationRun, Source, SubjectKind

from .factories import penalty_record, scoring_method

D = dt.date


def award(org, ent, n):
    return services.record_create(source=Source.IMPORT, source_ref=f"award-{ent.pk}-{n}", subject_kind=SubjectKind.ENTERPRISE,
                                  subject_code=ent.uscc, subject_name=ent.name, organisation_id=org.pk, record_type="award",
                                  title="优质工程表彰", decided_on=D(2026, 3, 1))


@pytest.fixture
def scored(city_a, pin_today):
    pin_today(D(2026, 6, 10))
    method = scoring_method()
    clean, capped, sunk, praised = (EnterpriseFactory() for _ in range(4))
    for _ in range(3):  # 3 × −5 = −15, capped at −12
        penalty_record(city_a, uscc=capped.uscc, name=capped.name, decided_on=D(2026, 5, 1))
    for _ in range(3):  # 3 × −40 = −120 → the score would be −20, bounded at 0
        penalty_record(city_a, uscc=sunk.uscc, name=sunk.name, severity_hint="serious", decided_on=D(2026, 5, 1))
    for n in range(2):  # 2 × +8 = +16, capped at +10
        award(city_a, praised, n)
    return method, {"clean": clean, "capped": capped, "sunk": sunk, "praised": praised}


def test_every_firm_is_scored_and_the_breakdown_sums_to_the_score(scored, credit_admin):
    method, firms = scored
    run = services.evaluation_run(actor=credit_admin)
    scores = {e.subject_code: (e.score, e.grade) for e in Evaluation.objects.filter(run=run)}
    assert scores[firms["clean"].uscc] == (100, "A")
    assert scores[firms["capped"].uscc] == (88, "B")
    assert scores[firms["sunk"].uscc] == (0, "D")
    assert scores[firms["praised"].uscc] == (110, "A")
    for ev in Evaluation.objects.filter(run=run):
        lines = services.breakdown(ev)
        assert method.base_score + sum(line.points for line in lines) == ev.score
    sunk_lines = services.breakdown(Evaluation.objects.get(run=run, subject_code=firms["sunk"].uscc))
    assert sum(1 for line in sunk_lines if line.record_id) == 3  # each record that moved it is named
    assert [line.kind for line in sunk_lines if not line.record_id] == ["bound"]


def test_the_run_is_set_based(scored, credit_admin, city_a):
    services.evaluation_run(actor=credit_admin)  # warm caches (content types, the audit chain head)
    with CaptureQueriesContext(connection) as few:
        services.evaluation_run(actor=credit_admin)
    for _ in range(30):
        e = EnterpriseFactory()
        penalty_record(city_a, uscc=e.uscc, name=e.name, decided_on=D(2026, 5, 2))
    with CaptureQueriesContext(connection) as many:
        services.evaluation_run(actor=credit_admin)
    assert len(many) == len(few)  # the same statements whatever the number of firms


def test_void_records_do_not_count(scored, credit_admin, city_a):
    _method, firms = scored
    e = firms["clean"]
    penalty_record(city_a, uscc=e.uscc, name=e.name, decided_on=D(2026, 5, 1), case_id=9901)
    services.record_withdraw(source="penalty", source_ref="9901", reason="撤销")
    run = services.evaluation_run(actor=credit_admin)
    assert Evaluation.objects.get(run=run, subject_code=e.uscc).score == 100


def test_grades_are_published_and_an_objection_recomputes_the_firm(scored, credit_admin, city_a, pin_today):
    from tests.factories import EnterpriseUserFactory
    from tongban.core.standing import standing_of

    _method, firms = scored
    capped = firms["capped"]
    user = EnterpriseUserFactory(enterprise=capped)
    run = services.evaluation_run(actor=credit_admin)
    assert standing_of(capped.uscc).grade == ""  # not published yet
    services.evaluation_publish(actor=credit_admin, run_id=run.pk)
    assert standing_of(capped.uscc).grade == "B"
    ev = Evaluation.objects.get(run=run, subject_code=capped.uscc)
    objection = services.objection_submit(actor=user, target="evaluation", target_id=ev.pk, content="两起处罚已被撤销")
    from tongban.credit.models import CreditRecord

    for rec in CreditRecord.objects.filter(subject_code=capped.uscc)[:2]:
        services.record_withdraw(source=rec.source, source_ref=rec.source_ref, reason="复议撤销")
    services.objection_decide(actor=credit_admin, objection_id=objection.pk, corrected=True, reasons="两起处罚已撤销")
    ev.refresh_from_db()
    assert (ev.score, ev.grade, ev.corrected) == (95, "A", True)
    assert 100 + sum(EvaluationLine.objects.filter(run=run, subject_code=capped.uscc).values_list("points", flat=True)) == 95
    assert EvaluationRun.objects.get(pk=run.pk).status == "published"
