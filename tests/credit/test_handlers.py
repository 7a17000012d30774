"""Event handlers: licence decisions (case.decided), founded bad ratings (review.verified), and the
enforcement / inspections contracts (their modules are written elsewhere, so their selectors are
stood in by a module that returns the agreed dict — the publisher is outside this branch)."""

import datetime as dt
import sys
import types

import pytest

from tests.factories import EnterpriseFactory
from tongban.core import events
from tongban.credit import handlers
from tongban.credit.models import CreditRecord, RecordStatus

from .factories import penalty_summary

D = dt.date


def test_credit_subscribes_to_the_agreed_events():
    path = "tongban.credit.handlers."
    for name, handler in [("case.decided", "on_case_decided"), ("enforcement.published", "on_enforcement_published"),
                          ("enforcement.revoked", "on_enforcement_revoked"),
                          ("inspection.result_published", "on_inspection_result_published"),
                          ("review.verified", "on_review_verified")]:
        assert path + handler in events.subscribers(name)


@pytest.fixture
def enforcement(monkeypatch, city_a):
    ent = EnterpriseFactory()
    summary = penalty_summary(city_a, uscc=ent.uscc, name=ent.name)
    mod = types.ModuleType("tongban.enforcement.selectors")
    mod.publicity_summary = lambda case_id: {**summary, "revoked_reason": "行政诉讼判决撤销"}
    monkeypatch.setitem(sys.modules, "tongban.enforcement", types.ModuleType("tongban.enforcement"))
    monkeypatch.setitem(sys.modules, "tongban.enforcement.selectors", mod)
    return summary


def test_enforcement_published_then_revoked(enforcement, pin_today):
    pin_today(D(2026, 6, 10))
    handlers.on_enforcement_published(case_id=42)
    handlers.on_enforcement_published(case_id=42)  # a delivery may run twice
    record = CreditRecord.objects.get()
    assert record.status == RecordStatus.PUBLISHED and record.dual_publicity
    handlers.on_enforcement_revoked(case_id=42)
    record.refresh_from_db()
    assert record.status in (RecordStatus.WITHDRAWING, RecordStatus.VOID)
    assert record.void_reason == "行政诉讼判决撤销"


def test_inspection_result_published(monkeypatch, city_a, pin_today):
    pin_today(D(2026, 6, 10))
    ent = EnterpriseFactory()
    mod = types.ModuleType("tongban.inspections.selectors")
    mod.result_summary = lambda result_id: {
        "org_id": city_a.pk, "subject_uscc": ent.uscc, "subject_name": ent.name, "result_class": "problem",
        "result_label": "发现问题已责令改正", "published_on": D(2026, 6, 8), "task_number": "CC2026-1", "item_name": "人防工程维护",
        "public_url": "/inspections/results/1/"}
    monkeypatch.setitem(sys.modules, "tongban.inspections", types.ModuleType("tongban.inspections"))
    monkeypatch.setitem(sys.modules, "tongban.inspections.selectors", mod)
    handlers.on_inspection_result_published(result_id=1)
    r = CreditRecord.objects.get()
    assert r.record_type == "inspection_problem" and r.subject_code == ent.uscc and r.status == RecordStatus.PUBLISHED


def test_licence_decision_makes_a_dual_publicity_record(city_a, firm, pin_today):
    from tongban.cases.models import Case
    from tongban.catalog.models import ItemVersion, ServiceItem

    pin_today(D(2026, 6, 10))
    item = ServiceItem.objects.create(organisation=city_a, base_code="11410100MC", implementation_code="11410100MC0001")
    version = ItemVersion.objects.create(item=item, number=1, status="published", name="人防工程报建审批", kind="licensing",
                                         legal_basis="《人民防空法》第二十二条", conditions="—", legal_limit_days=20,
                                         promised_limit_days=10, result_name="报建审批决定书",
                                         published_at="2026-05-01T09:00+08:00")
    case = Case.objects.create(number="T-1", query_code="ABCDEF", item=item, version=version, organisation=city_a,
                               applicant=firm, enterprise=firm.enterprise, applicant_name=firm.enterprise.name,
                               applicant_code=firm.enterprise.uscc, contact_name="王", contact_phone="13800138000",
                               submission_key="k", submitted_at="2026-06-01T09:00+08:00", received_on=D(2026, 6, 1),
                               acceptance_due=D(2026, 6, 5), legal_limit_days=20, promised_limit_days=10,
                               status="concluded", decision="approve", concluded_on=D(2026, 6, 9))
    handlers.on_case_decided(case_id=case.pk, decision="deny")
    assert not CreditRecord.objects.exists()
    handlers.on_case_decided(case_id=case.pk, decision="approve")
    r = CreditRecord.objects.get()
    assert (r.source, r.record_type, r.dual_publicity, r.decided_on) == ("licence", "licence", True, D(2026, 6, 9))


def test_review_verified_is_published_by_reviews_and_founded_ones_become_government_records(
        city_a, pin_today, django_capture_on_commit_callbacks):
    """reviews publishes review.verified from rectification_verify (added for credit)."""
    from tests.factories import StaffFactory
    from tongban.accounts.models import Role
    from tongban.core.models import EventDelivery
    from tongban.reviews.models import Rating, Rectification, Window
    from tongban.reviews.services import rectification_verify

    pin_today(D(2026, 6, 10))
    clerk = StaffFactory(organisation=city_a, roles=[Role.CLERK])
    window = Window.objects.create(organisation=city_a, number="1", name="综合窗口")
    rating = Rating.objects.create(target="window", window=window, organisation=city_a, level=1,
                                   rated_on=D(2026, 6, 9), state="rectifying")
    rect = Rectification.objects.create(rating=rating, organisation=city_a, opened_on=D(2026, 6, 9),
                                        due_on=D(2026, 6, 20), limit_days=5)
    with django_capture_on_commit_callbacks(execute=True):
        rectification_verify(actor=clerk, rectification_id=rect.pk, verification="回访属实", founded=True)
    assert EventDelivery.objects.filter(event="review.verified").exists()
    r = CreditRecord.objects.get(source="review")
    assert r.subject_kind == "government" and r.subject_code == city_a.code
