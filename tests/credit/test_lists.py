"""Lists only with a legal basis; entry by criteria with evidence and publicity with objections
before entry; exit on time and on repair (国办发〔2020〕49号)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tongban.credit import services
from tongban.credit.models import CreditList, EntryStatus

from .factories import black_list, pdf, penalty_record

D = dt.date


def test_guobanfa_2020_49_no_list_without_a_legal_basis(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        CreditList.objects.create(code="x", kind="black", name="无依据名单", legal_basis="", criteria_text="—")


@pytest.fixture
def serious(city_a, firm, pin_today):
    pin_today(D(2026, 6, 10))
    return penalty_record(city_a, uscc=firm.enterprise.uscc, name=firm.enterprise.name, severity_hint="serious",
                          decided_on=D(2026, 6, 1))


def test_guobanfa_2020_49_entry_only_by_the_criteria(city_a, credit_admin, other_firm, pin_today):
    pin_today(D(2026, 6, 10))
    cl = black_list()
    with pytest.raises(ValidationError) as exc:
        services.list_propose(actor=credit_admin, list_id=cl.pk, subject_code=other_firm.enterprise.uscc, evidence="x")
    assert "认定标准" in str(exc.value)
    assert not cl.entries.exists()


def test_guobanfa_2020_49_publicity_then_entry_then_exit_on_time(serious, firm, credit_admin, pin_today):
    cl = black_list()
    entry = services.list_propose(actor=credit_admin, list_id=cl.pk, subject_code=firm.enterprise.uscc,
                                  evidence="郑人防罚决定")
    assert entry.status == EntryStatus.PUBLICITY and list(entry.records.all()) == [serious]
    services.list_sweep()
    entry.refresh_from_db()
    assert entry.status == EntryStatus.PUBLICITY  # not before the publicity period ends
    pin_today(entry.publicity_until + dt.timedelta(days=1))
    services.list_sweep()
    entry.refresh_from_db()
    assert entry.status == EntryStatus.MEMBER and entry.exit_due == D(2029, 6, entry.entered_on.day)
    from tongban.core.standing import standing_of

    st = standing_of(firm.enterprise.uscc)
    assert st.blacklisted and st.lists[0].basis == cl.legal_basis
    pin_today(entry.exit_due + dt.timedelta(days=1))
    services.list_sweep()
    entry.refresh_from_db()
    assert entry.status == EntryStatus.EXITED and "有效期届满" in entry.exit_reason


def test_a_pending_objection_holds_entry_and_a_founded_one_rejects_it(serious, firm, credit_admin, pin_today):
    cl = black_list()
    entry = services.list_propose(actor=credit_admin, list_id=cl.pk, subject_code=firm.enterprise.uscc, evidence="x")
    row = services.objection_submit(actor=firm, target="list_entry", target_id=entry.pk, content="处罚尚在复议中")
    pin_today(entry.publicity_until + dt.timedelta(days=1))
    services.list_sweep()
    entry.refresh_from_db()
    assert entry.status == EntryStatus.PUBLICITY
    services.objection_decide(actor=credit_admin, objection_id=row.pk, corrected=True, reasons="复议期间暂不列入")
    entry.refresh_from_db()
    assert entry.status == EntryStatus.REJECTED


def test_exit_on_repair(serious, firm, credit_admin, pin_today):
    cl = black_list()
    entry = services.list_propose(actor=credit_admin, list_id=cl.pk, subject_code=firm.enterprise.uscc, evidence="x")
    pin_today(entry.publicity_until + dt.timedelta(days=1))
    services.list_sweep()
    pin_today(serious.repair_from)
    repair = services.repair_apply(actor=firm, record_id=serious.pk, corrected="已整改", penalty_fulfilled="已缴纳",
                                   commitment="守法经营", evidence=[pdf()])
    services.repair_decide(actor=credit_admin, repair_id=repair.pk, approve=True, reasons="整改到位")
    entry.refresh_from_db()
    assert entry.status == EntryStatus.EXITED and "信用修复" in entry.exit_reason


def test_scan_proposes_every_qualifying_subject_once(serious, credit_admin):
    cl = black_list()
    assert services.list_scan(actor=credit_admin, list_id=cl.pk) == 1
    assert services.list_scan(actor=credit_admin, list_id=cl.pk) == 0
