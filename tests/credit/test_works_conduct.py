"""人防工程建设从业单位信用评价: a party's conduct found in works supervision (works.party_conduct)
becomes one practitioner credit record, from the event's payload alone, and moves the firm's
next evaluation score."""

from __future__ import annotations

from tests.factories import EnterpriseFactory, EnterpriseUserFactory, StaffFactory
from tests.works.factories import TODAY, make_fee_schedule, make_station, supervised
from tongban.accounts.models import Role
from tongban.credit import handlers, services
from tongban.credit.models import CreditRecord, Evaluation, ScoringRule
from tongban.works import services as works

from .factories import scoring_method


def test_a_finding_against_the_supervising_engineer_is_one_record_and_moves_the_score(
        province, city_a, credit_admin, pin_today, django_capture_on_commit_callbacks):
    pin_today(TODAY)
    method = scoring_method()
    ScoringRule.objects.create(method=method, record_type="works_rectification_ordered", label="人防工程被责令整改",
                               points=-6)
    make_fee_schedule(province)
    station = make_station(city_a)
    clerk = StaffFactory(organisation=station, roles=[Role.CLERK])
    sup = StaffFactory(organisation=station, roles=[Role.INSPECTOR])
    engineer = EnterpriseFactory(name="测试人防监理有限公司")
    builder = EnterpriseUserFactory()
    project = supervised(builder, clerk, sup, parties=[{"role": "supervising_engineer", "uscc": engineer.uscc}])
    before = services.evaluation_run(actor=credit_admin)
    assert Evaluation.objects.get(run=before, subject_code=engineer.uscc).score == 100

    with django_capture_on_commit_callbacks(execute=True):
        works.visit_record(actor=sup, project_id=project.pk, stage="main_structure", outcome="rectify",
                           findings="旁站记录缺失。", requirement="补全旁站监理记录。",
                           party_role="supervising_engineer")
    record = CreditRecord.objects.get(subject_code=engineer.uscc)
    assert record.record_type == "works_rectification_ordered" and record.decided_on == TODAY
    assert "被责令整改" in record.title and "监理单位" in record.content
    assert not record.is_public  # an evaluation input, not a public 失信 record

    # A redelivered event makes no second record.
    from tongban.core.models import EventDelivery

    payload = EventDelivery.objects.filter(event="works.party_conduct").first().payload
    handlers.on_works_party_conduct(**payload)
    assert CreditRecord.objects.filter(subject_code=engineer.uscc).count() == 1

    after = services.evaluation_run(actor=credit_admin)
    evaluation = Evaluation.objects.get(run=after, subject_code=engineer.uscc)
    assert evaluation.score == 94
    assert [line.record_id for line in services.breakdown(evaluation) if line.record_id] == [record.pk]
