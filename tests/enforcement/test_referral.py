"""A complaint becomes an enforcement case through appeals' referral and the event
"appeal.referred": one case per appeal, the party carried over, the complainant told only that it
was referred."""

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from tongban.accounts.models import Role
from tongban.appeals import selectors as appeal_selectors
from tongban.appeals import services as appeal_services
from tongban.appeals.models import Appeal, Step
from tongban.core.errors import Conflict
from tongban.core.models import EventDelivery
from tongban.enforcement import services
from tongban.enforcement.models import EnforcementCase, Source, Status

from ..appeals.factories import file_appeal, make_categories, route_to
from ..factories import StaffFactory
from .factories import party_enterprise


@pytest.fixture
def unit(today, city_a):
    make_categories()
    route_to(city_a)
    return city_a


@pytest.fixture
def handler(unit, dept_a):
    return StaffFactory(username="r_clerk", organisation=dept_a, roles=[Role.CLERK])


@pytest.fixture
def complaint(unit, citizen, enterprise_user, handler):
    ent = enterprise_user.enterprise
    appeal = file_appeal(citizen, kind="complaint", title="防空地下室被改作仓库", content="我家楼下某公司擅自改变人防工程用途",
                         subject_kind="enterprise", subject_name=ent.name, subject_uscc=ent.uscc)
    appeal_services.appeal_accept(actor=handler, appeal_id=appeal.pk)
    return Appeal.objects.get(pk=appeal.pk)


def _deliver(appeal_id):
    """What the event delivery does: the subscriber registered at app start, with the payload."""
    services.on_appeal_referred(appeal_id)


def test_referral_publishes_the_event_and_creates_exactly_one_case(complaint, handler, enterprise_user, unit,
                                                                   django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        appeal_services.appeal_refer_to_enforcement(actor=handler, appeal=complaint, reason="涉嫌擅自改变人防工程用途")
    assert EventDelivery.objects.filter(event="appeal.referred", payload={"appeal_id": complaint.pk}).exists()
    case = EnforcementCase.objects.get(source=Source.COMPLAINT, source_ref=complaint.number)
    assert case.status == Status.DRAFT
    # the party is the 被反映对象, and the case holder the agency of the appeal's unit
    assert case.party_kind == "enterprise" and case.party_uscc == enterprise_user.enterprise.uscc
    assert case.party_enterprise == enterprise_user.enterprise and case.organisation == unit
    assert complaint.title in case.facts and "我家楼下" not in case.facts  # the complainant's words stay
    assert case.transitions.get(action="create").data["appeal_id"] == complaint.pk  # the link back
    _deliver(complaint.pk)  # a second delivery of the same event
    assert EnforcementCase.objects.filter(source=Source.COMPLAINT).count() == 1


def test_referral_is_recorded_on_the_appeal_and_the_complainant_sees_it(complaint, handler, citizen, client):
    appeal_services.appeal_refer_to_enforcement(actor=handler, appeal=complaint, reason="涉嫌擅自改变人防工程用途")
    _deliver(complaint.pk)
    complaint.refresh_from_db()
    assert complaint.referred_on is not None and complaint.status == "handling"  # the unit still answers
    assert Step.objects.filter(appeal=complaint, action="refer").count() == 1
    client.force_login(citizen)
    page = client.get(f"/appeals/mine/{complaint.pk}/").content.decode()
    assert "移送执法" in page
    case = EnforcementCase.objects.get(source_ref=complaint.number)
    assert case.number not in page and "涉嫌擅自改变" not in page  # no case internals


def test_a_second_referral_is_refused_with_a_chinese_message(complaint, handler):
    appeal_services.appeal_refer_to_enforcement(actor=handler, appeal=complaint, reason="涉嫌违法")
    with pytest.raises(Conflict, match="不能重复移送"):
        appeal_services.appeal_refer_to_enforcement(actor=handler, appeal=complaint, reason="再次移送")
    assert Step.objects.filter(appeal=complaint, action="refer").count() == 1


@pytest.mark.parametrize("state", ["replied", "transferring"])
def test_referral_refused_in_a_wrong_state(complaint, handler, city_b, state):
    if state == "replied":
        appeal_services.appeal_reply(actor=handler, appeal_id=complaint.pk, body="已转执法部门核查")
    else:
        appeal_services.appeal_transfer(actor=handler, appeal_id=complaint.pk, to_organisation_id=city_b.pk,
                                        reason="属乙市职责")
    version = Appeal.objects.get(pk=complaint.pk).row_version
    with pytest.raises(Conflict, match="不能移送执法"):
        appeal_services.appeal_refer_to_enforcement(actor=handler, appeal=complaint, reason="涉嫌违法")
    appeal = Appeal.objects.get(pk=complaint.pk)
    assert appeal.referred_on is None and appeal.row_version == version
    assert not EnforcementCase.objects.exists()
    assert not EventDelivery.objects.filter(event="appeal.referred").exists()


def test_referral_needs_the_party_and_a_complaint(unit, citizen, handler):
    appeal = file_appeal(citizen, kind="complaint", content="有人占用防空地下室")
    with pytest.raises(Conflict, match="被反映对象"):
        appeal_services.appeal_refer_to_enforcement(actor=handler, appeal=appeal, reason="涉嫌违法")
    question = file_appeal(citizen, kind="consultation", content="易地建设费怎么交？")
    with pytest.raises(Conflict, match="投诉举报"):
        appeal_services.appeal_refer_to_enforcement(actor=handler, appeal=question, reason="涉嫌违法")
    appeal_services.appeal_set_subject(actor=handler, appeal_id=appeal.pk,
                                       data={"subject_kind": "person", "subject_name": "张三"})
    with pytest.raises(ValidationError):  # no reason given
        appeal_services.appeal_refer_to_enforcement(actor=handler, appeal=appeal, reason=" ")
    assert Appeal.objects.get(pk=appeal.pk).referred_on is None


def test_subject_uscc_is_validated_on_the_complaint_form(unit, citizen):
    with pytest.raises(ValidationError) as exc:
        file_appeal(citizen, kind="complaint", content="某公司占用人防工程", subject_kind="enterprise",
                    subject_name="某公司", subject_uscc="91410100MA0000000X")
    assert "subject_uscc" in exc.value.message_dict
    assert not Appeal.objects.exists()


def test_a_person_complained_about_is_masked_outside_the_handling_unit(unit, citizen, handler, o1, client):
    appeal = file_appeal(citizen, kind="complaint", content="有人占用防空地下室", subject_kind="person",
                         subject_name="王小明")
    client.force_login(StaffFactory(username="r_super", organisation=unit, roles=[Role.SUPERVISOR]))
    page = client.get(f"/appeals/{appeal.pk}/").content.decode()
    assert "王*明" in page and "王小明" not in page


def test_the_officer_path_from_the_enforcement_side_is_the_same_referral(complaint, o1, o2, unit):
    """从诉求立案: the officer's case_create(appeal_id=…) refers through appeals' service."""
    data = {"act_on": "2026-03-20", "facts": "物业擅自改变人防工程用途"}
    case = services.case_create(actor=o1, organisation=unit, appeal_id=complaint.pk, data=data,
                                officer_ids=[o1.pk, o2.pk])
    complaint.refresh_from_db()
    assert complaint.referred_on is not None and case.source_ref == complaint.number
    assert case.party_uscc == complaint.subject_uscc and str(case.act_on) == "2026-03-20"
    assert Step.objects.get(appeal=complaint, action="refer").actor == o1
    _deliver(complaint.pk)  # the event the referral published finds the case
    assert EnforcementCase.objects.filter(source=Source.COMPLAINT).count() == 1
    with pytest.raises(Conflict):
        services.case_create(actor=o1, organisation=unit, appeal_id=complaint.pk, data=data)


def test_an_officer_of_another_agency_cannot_refer(complaint, city_b, enterprise_user):
    from .factories import officer

    other = officer(city_b, "r_other")
    with pytest.raises(Http404):  # outside the officer's scope the appeal is not found
        services.case_create(actor=other, organisation=city_b, appeal_id=complaint.pk,
                             data={**party_enterprise(enterprise_user.enterprise), "act_on": "2026-03-20"})
    assert Appeal.objects.get(pk=complaint.pk).referred_on is None and not EnforcementCase.objects.exists()


def test_referral_summary_never_carries_the_complainant(complaint, handler, citizen):
    appeal_services.appeal_refer_to_enforcement(actor=handler, appeal=complaint, reason="涉嫌违法")
    summary = appeal_selectors.referral_summary(complaint.pk)
    assert citizen.display_name not in repr(summary) and "我家楼下" not in repr(summary)
    assert summary["subject_uscc"] == complaint.subject_uscc
