"""Credit that acts (联合奖惩): the provider registered with core.standing answers set-based;
cases refuse 告知承诺 to a subject with a serious record and say why; inspections read the risk
class through core.standing."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import EnterpriseFactory
from tongban.core import standing
from tongban.core.standing import RISK_HIGH, RISK_LOW, RISK_MEDIUM_HIGH

from .factories import penalty_record

D = dt.date


@pytest.fixture
def today(pin_today):
    pin_today(D(2026, 6, 10))


def test_the_provider_is_registered_and_set_based(city_a, today):
    firms = [EnterpriseFactory() for _ in range(3)]
    penalty_record(city_a, uscc=firms[0].uscc, severity_hint="serious", decided_on=D(2026, 6, 1))
    penalty_record(city_a, uscc=firms[1].uscc, severity_hint="general", decided_on=D(2026, 6, 1))
    with CaptureQueriesContext(connection) as q3:
        got = standing.standing_bulk([f.uscc for f in firms])
    many = [EnterpriseFactory().uscc for _ in range(40)]
    with CaptureQueriesContext(connection) as q43:
        standing.standing_bulk([f.uscc for f in firms] + many)
    assert len(q43) == len(q3) <= 3
    assert got[firms[0].uscc].risk_class == RISK_HIGH and got[firms[0].uscc].serious_record
    assert not got[firms[0].uscc].may_use_commitment
    assert got[firms[1].uscc].risk_class == RISK_MEDIUM_HIGH and got[firms[1].uscc].may_use_commitment
    assert not got[firms[2].uscc].known  # no data: core's default "unknown"


def test_inspections_read_the_risk_class_through_core(city_a, today):
    """What the inspections module does for its ratios: ask core.standing for the pool at once."""
    pool = [EnterpriseFactory() for _ in range(2)]
    penalty_record(city_a, uscc=pool[0].uscc, severity_hint="serious", decided_on=D(2026, 6, 1))
    from tongban.credit.models import Source, SubjectKind
    from tongban.credit.services import record_create

    record_create(source=Source.INSPECTION, source_ref="r1", subject_kind=SubjectKind.ENTERPRISE,
                  subject_code=pool[1].uscc, subject_name=pool[1].name, organisation_id=city_a.pk,
                  record_type="inspection_pass", title="抽查结果：未发现问题", decided_on=D(2026, 6, 1))
    classes = {k: s.risk_class for k, s in standing.standing_bulk([p.uscc for p in pool]).items()}
    assert classes == {pool[0].uscc: RISK_HIGH, pool[1].uscc: "medium"}


def test_a_repaired_record_no_longer_counts_as_serious(city_a, firm, credit_admin, pin_today):
    from tongban.credit import services

    from .factories import pdf

    pin_today(D(2026, 6, 10))
    r = penalty_record(city_a, uscc=firm.enterprise.uscc, severity_hint="serious", decided_on=D(2026, 6, 1))
    assert standing.standing_of(firm.enterprise.uscc).serious_record
    pin_today(r.repair_from)
    repair = services.repair_apply(actor=firm, record_id=r.pk, corrected="a", penalty_fulfilled="b", commitment="c",
                                   evidence=[pdf()])
    services.repair_decide(actor=credit_admin, repair_id=repair.pk, approve=True, reasons="ok")
    st = standing.standing_of(firm.enterprise.uscc)
    assert not st.serious_record and st.may_use_commitment and st.risk_class in ("", RISK_LOW)


@pytest.fixture
def commitment_item(city_a):
    from tongban.catalog.models import ItemVersion, ServiceItem

    item = ServiceItem.objects.create(organisation=city_a, base_code="11410100MB", implementation_code="11410100MB0099")
    version = ItemVersion.objects.create(
        item=item, number=1, status=ItemVersion.Status.PUBLISHED, name="人防工程监理资质认定", kind="licensing",
        legal_basis="《中华人民共和国人民防空法》", conditions="—", legal_limit_days=20, promised_limit_days=10,
        online_depth=4, commitment_allowed=True, published_at="2026-05-01T09:00+08:00",
    )
    item.current_version = version
    item.save(update_fields=["current_version"])
    return version


def _apply(firm, version, key):
    from tongban.cases import services as cases

    return cases.case_apply(actor=firm, version=version, data={"contact_name": "王经理", "contact_phone": "13800138000",
                                                               "by_commitment": "1"}, files={}, submission_key=key)


def test_cases_offer_commitment_only_without_a_serious_record(city_a, firm, other_firm, commitment_item, today):
    from tongban.cases.models import Case

    case = _apply(other_firm, commitment_item, "k1")
    assert case.by_commitment
    penalty_record(city_a, uscc=firm.enterprise.uscc, severity_hint="serious", decided_on=D(2026, 6, 1))
    with pytest.raises(ValidationError) as exc:
        _apply(firm, commitment_item, "k2")
    assert "本次不适用告知承诺" in str(exc.value) and "严重失信" in str(exc.value)
    assert not Case.objects.filter(applicant=firm).exists()


def test_the_apply_page_tells_the_subject_why(client, city_a, firm, commitment_item, today):
    penalty_record(city_a, uscc=firm.enterprise.uscc, severity_hint="serious", decided_on=D(2026, 6, 1))
    client.force_login(firm)
    page = client.get(f"/cases/apply/{commitment_item.item.implementation_code}/")
    assert page.status_code == 200
    assert "因存在公示中的严重失信记录，本次不适用告知承诺" in page.content.decode()
