"""Supervision visits: findings and photos, rectification orders with working-day deadlines,
protective equipment against the approved makers, hand-over to enforcement, and the parties'
conduct published for credit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tongban.core import events
from tongban.core.models import EventDelivery
from tongban.inspections.models import OnSiteRecord
from tongban.inspections.selectors import handover_summary
from tongban.works import selectors, services
from tongban.works.models import ApprovedMaker, ConductEvent, Rectification, Visit
from tongban.works.services.visits import sweep_rectifications

from .factories import pdf, supervised


def _subscriber(**kwargs):  # a stand-in for credit/enforcement: events are recorded per subscriber
    return None


@pytest.fixture
def listening():
    for name in (services.PARTY_CONDUCT, services.HANDED_OVER):
        events.subscribe(name, _subscriber)
    yield
    for name in (services.PARTY_CONDUCT, services.HANDED_OVER):
        events.unsubscribe(name, _subscriber)


@pytest.fixture
def project(world, builder, w_clerk, w_sup, contractor, maker):
    return supervised(builder, w_clerk, w_sup, parties=[
        {"role": "contractor", "uscc": contractor.uscc}, {"role": "equipment_maker", "uscc": maker.uscc}])


def test_a_rectification_order_gets_a_working_day_deadline_photos_and_a_conduct_event(
        project, w_sup, contractor, listening):
    visit = services.visit_record(
        actor=w_sup, project_id=project.pk, stage="main_structure", outcome="rectify", findings="临空墙厚度不足。",
        requirement="补浇至设计厚度。", due_days=3, photos=[pdf("现场1.pdf"), pdf("现场2.pdf")],
    )
    rect = visit.rectification
    assert rect.due_on == dt.date(2026, 9, 14) and rect.party == contractor  # Wed + 3 working days
    # The photos are on the inspections module's on-site record, content-checked and hashed.
    files = list(visit.record.files.select_related("attachment"))
    assert len(files) == 2 and all(len(f.attachment.sha256) == 64 for f in files)
    assert visit.record.findings == "临空墙厚度不足。" and visit.record.source == "works.visit"
    event = ConductEvent.objects.get(kind=ConductEvent.Kind.RECTIFICATION_ORDERED)
    summary = selectors.conduct_summary(event.pk)
    assert summary["party_uscc"] == contractor.uscc and summary["party_role"] == "contractor"
    assert summary["occurred_on"] == dt.date(2026, 9, 9) and "补浇" in summary["description"]
    delivery = EventDelivery.objects.filter(event="works.party_conduct", payload__event_id=event.pk).first()
    assert delivery.payload["subject_uscc"] == contractor.uscc and delivery.payload["party_role"] == "contractor"
    assert delivery.payload["conduct"] == "rectification_ordered" and delivery.payload["occurred_on"] == "2026-09-09"
    assert delivery.payload["source_ref"] == f"works.conduct:{event.pk}"


def test_an_overdue_rectification_turns_red_and_is_reported_once(project, w_sup):
    services.visit_record(actor=w_sup, project_id=project.pk, stage="foundation", outcome="rectify",
                          findings="防水层破损。", requirement="修补。", due_days=1)
    first = sweep_rectifications(dt.date(2026, 9, 11))
    again = sweep_rectifications(dt.date(2026, 9, 14))
    assert first["late"] == 1 and again["late"] == 0
    assert Rectification.objects.get().warning == "red"
    assert ConductEvent.objects.filter(kind=ConductEvent.Kind.RECTIFICATION_LATE).count() == 1


def test_equipment_from_a_maker_not_approved_cannot_pass(project, w_sup, maker):
    with pytest.raises(ValidationError, match="不在人防防护设备定点生产企业名录内"):
        services.visit_record(actor=w_sup, project_id=project.pk, stage="equipment", outcome="passed",
                              findings="防护密闭门安装到位。")
    assert not Visit.objects.exists()
    ApprovedMaker.objects.create(enterprise=maker, products="防护密闭门", certificate_number="X-1",
                                 valid_until=dt.date(2027, 1, 1))
    visit = services.visit_record(actor=w_sup, project_id=project.pk, stage="equipment", outcome="passed",
                                  findings="防护密闭门安装到位。")
    assert visit.equipment_approved is True


def test_an_unapproved_maker_found_is_recorded_as_conduct(project, w_sup, maker):
    services.visit_record(actor=w_sup, project_id=project.pk, stage="equipment", outcome="rectify",
                          findings="防爆波活门无定点企业标识。", requirement="更换为定点企业产品。",
                          party_role="contractor")
    event = ConductEvent.objects.get(kind=ConductEvent.Kind.UNAPPROVED_EQUIPMENT)
    assert event.enterprise == maker and event.party_role == "equipment_maker"


def test_a_hand_over_to_enforcement_uses_the_inspection_event_and_summary(project, w_sup, contractor, listening):
    visit = services.visit_record(actor=w_sup, project_id=project.pk, stage="main_structure", outcome="handed_over",
                                  findings="擅自降低防护标准施工。", party_role="contractor")
    assert services.HANDED_OVER == "inspection.handed_over"
    assert EventDelivery.objects.filter(event="inspection.handed_over", payload={"record_id": visit.record_id}).exists()
    summary = handover_summary(record_id=visit.record_id)
    assert summary["subject_uscc"] == contractor.uscc and summary["findings"] == "擅自降低防护标准施工。"
    assert summary["inspector_user_ids"] == [w_sup.pk] and summary["result_number"] == visit.record.number
    assert visit.record.handed_over_at is not None
    # Enforcement's subscriber of the same event opens one case (待立案), idempotent on redelivery.
    from tongban.enforcement.models import EnforcementCase
    from tongban.enforcement.services import on_inspection_handed_over

    on_inspection_handed_over(record_id=visit.record_id)
    on_inspection_handed_over(record_id=visit.record_id)
    case = EnforcementCase.objects.get()
    assert case.party_uscc == contractor.uscc and "擅自降低防护标准施工" in case.facts


def test_a_signature_is_kept_on_the_record_and_a_refusal_needs_what_happened(project, w_sup):
    visit = services.visit_record(actor=w_sup, project_id=project.pk, stage="foundation", outcome="passed",
                                  findings="合格。", signature={"signed_name": "王五", "signature_confirmed": "1"})
    assert visit.record.signed_name == "王五" and not visit.record.signature_refused
    for signature, message in [({"signed_name": "王五"}, "勾选确认"), ({"signature_refused": "1"}, "拒签情况")]:
        with pytest.raises(ValidationError, match=message):
            services.visit_record(actor=w_sup, project_id=project.pk, stage="foundation", outcome="passed",
                                  findings="合格。", signature=signature)
    assert Visit.objects.count() == 1 and OnSiteRecord.objects.count() == 1


def test_a_bad_photo_writes_no_visit_and_no_record(project, w_sup):
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("x.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf")
    with pytest.raises(ValidationError):
        services.visit_record(actor=w_sup, project_id=project.pk, stage="foundation", outcome="passed",
                              findings="合格。", photos=[bad])
    assert not Visit.objects.exists() and not OnSiteRecord.objects.exists()


def test_bad_visits_change_nothing(project, w_sup):
    for kwargs, message in [
        ({"stage": "roof", "outcome": "passed", "findings": "x"}, "请选择检查阶段"),
        ({"stage": "foundation", "outcome": "rectify", "findings": "x"}, "须写明整改要求"),
        ({"stage": "foundation", "outcome": "rectify", "findings": "x", "requirement": "y", "due_days": 99},
         "1 至 60 个工作日"),
        ({"stage": "foundation", "outcome": "passed", "findings": " "}, "请填写检查情况"),
    ]:
        with pytest.raises(ValidationError, match=message):
            services.visit_record(actor=w_sup, project_id=project.pk, **kwargs)
    assert not Visit.objects.exists() and not ConductEvent.objects.exists()
