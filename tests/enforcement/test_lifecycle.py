"""Every step blocked until its legal precondition holds (one test per rule, named after its
article), and the whole path from registration to a published decision."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tongban.core import events
from tongban.core.errors import Conflict
from tongban.core.models import AuditEvent, EventDelivery
from tongban.enforcement import selectors, services
from tongban.enforcement.models import Document, EnforcementCase, Record, Status

from .conftest import DAY0
from .factories import officer, open_case, party_enterprise, party_person

pytestmark = pytest.mark.django_db


def _unchanged(case):
    before = EnforcementCase.objects.get(pk=case.pk)
    return before.status, before.row_version


def assert_refused(call, case, code, exc=Conflict, article=None):
    before = _unchanged(case)
    with pytest.raises(exc) as info:
        call()
    if exc is Conflict:
        assert info.value.code == code
        if article:
            assert article in info.value.message
    assert _unchanged(case) == before
    return info.value


def _review_agree(reviewer, case):
    return services.legal_review(actor=reviewer, case_id=case.pk, opinion="agree", reasons="事实清楚，证据充分，适用依据正确")


# --- registration -----------------------------------------------------------------------------


def test_art36_time_barred_case_cannot_be_registered(today, city_a, o1, o2, head, enterprise_user):
    case = open_case(o1, city_a, party_enterprise(enterprise_user.enterprise), officers=[o1, o2],
                     act_on=dt.date(2024, 3, 31))  # two years end on 31 March 2026
    assert_refused(lambda: services.case_register(actor=head, case_id=case.pk), case, "art36_time_barred", article="第三十六条")


def test_art36_five_years_where_serious_harm(today, city_a, o1, o2, head, enterprise_user):
    case = open_case(o1, city_a, party_enterprise(enterprise_user.enterprise), officers=[o1, o2],
                     act_on=dt.date(2022, 3, 1), serious_harm=True)
    services.case_register(actor=head, case_id=case.pk)
    case.refresh_from_db()
    assert case.status == Status.INVESTIGATING and case.limitation_ends_on == dt.date(2027, 3, 1)


def test_art36_continuing_act_counts_from_its_end(today, city_a, o1, o2, head, enterprise_user):
    case = open_case(o1, city_a, party_enterprise(enterprise_user.enterprise), officers=[o1, o2],
                     act_on=dt.date(2023, 1, 1), act_ended_on=dt.date(2025, 12, 1))
    services.case_register(actor=head, case_id=case.pk)
    assert EnforcementCase.objects.get(pk=case.pk).status == Status.INVESTIGATING


def test_registration_issues_the_form_and_starts_the_art60_clock(ent_case):
    ent_case.refresh_from_db()
    assert ent_case.registered_on == DAY0 and ent_case.decision_due == dt.date(2026, 6, 30)
    assert ent_case.documents.filter(kind=Document.Kind.REGISTRATION, for_party=False).exists()


# --- investigation ----------------------------------------------------------------------------


def test_art42_no_record_without_two_certified_officers(ent_case, o1, city_a):
    uncertified = officer(city_a, "e_nocert", certified=False)
    call = lambda: services.record_add(actor=o1, case_id=ent_case.pk, kind="inspection", on=DAY0, content="检查",  # noqa: E731
                                       officer_ids=[o1.pk, uncertified.pk])
    err = assert_refused(call, ent_case, "art42_two_officers", article="第四十二条")
    assert "e_nocert" in err.message or uncertified.display_name in err.message
    assert not Record.objects.filter(case=ent_case).exists()


def test_art42_an_expired_certificate_does_not_count(ent_case, o1, o2):
    o2.certificates.update(valid_until=DAY0 - dt.timedelta(days=1))
    call = lambda: services.record_add(actor=o1, case_id=ent_case.pk, kind="inspection", on=DAY0, content="检查",  # noqa: E731
                                       officer_ids=[o1.pk, o2.pk])
    assert_refused(call, ent_case, "art42_two_officers")


def test_art47_every_record_keeps_its_files_hashed_in_the_audit_chain(ent_case, o1, o2):
    from ..cases.factories import pdf

    record = services.record_add(actor=o1, case_id=ent_case.pk, kind="questioning", on=DAY0, content="问：…… 答：……",
                                 officer_ids=[o1.pk, o2.pk], files=[pdf("现场照片.pdf")])
    att = record.attachments.get()
    assert len(att.sha256) == 64 and len(record.certificate_numbers) == 2
    assert AuditEvent.objects.filter(action="enforcement.file", changes__sha256=att.sha256).exists()
    assert ent_case.documents.filter(kind=Document.Kind.QUESTIONING).exists()  # 询问笔录


def test_art47_a_disguised_file_is_refused_and_nothing_is_recorded(ent_case, o1, o2):
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("照片.exe.pdf", b"MZ\x90\x00", content_type="application/pdf")
    with pytest.raises(ValidationError):
        services.record_add(actor=o1, case_id=ent_case.pk, kind="evidence", on=DAY0, content="证据",
                            officer_ids=[o1.pk, o2.pk], files=[bad])
    assert not Record.objects.filter(case=ent_case).exists()


# --- proposal ---------------------------------------------------------------------------------


def test_proposal_cites_the_baseline_version_and_clauses(ent_case, o1, ranged):
    case = services.penalty_propose(actor=o1, case_id=ent_case.pk, baseline_item_id=ranged.pk, facts=["R-LI"])
    assert case.proposal["baseline"] == "T-RF v1" and case.proposal["clauses"] == ["R-LI"]
    assert case.fine_fen == 20_000_00 and not case.departs  # the middle of 10,000–30,000


def test_departure_from_the_baseline_needs_a_written_reason(ent_case, o1, ranged):
    call = lambda: services.penalty_propose(actor=o1, case_id=ent_case.pk, baseline_item_id=ranged.pk,  # noqa: E731
                                            facts=["R-LI"], fine_fen=40_000_00)
    assert_refused(call, ent_case, None, exc=ValidationError)
    case = services.penalty_propose(actor=o1, case_id=ent_case.pk, baseline_item_id=ranged.pk, facts=["R-LI"],
                                    fine_fen=40_000_00, departure_reason="拒不配合后又隐匿证据")
    assert case.departs and case.departure_reason


def test_unpublished_baseline_cannot_be_used(ent_case, o1, city_a):
    from .factories import make_baseline

    draft = make_baseline(city_a.parent, status="draft")
    item = draft.items.get(code="RF-01")
    with pytest.raises(ValidationError):
        services.penalty_propose(actor=o1, case_id=ent_case.pk, baseline_item_id=item.pk, facts=[])


@pytest.mark.parametrize(("fine", "ok"), [(200_00, True), (201_00, False)])
def test_art51_summary_procedure_person_threshold(person_case, o1, maxonly, fine, ok):
    call = lambda: services.penalty_propose(actor=o1, case_id=person_case.pk, baseline_item_id=maxonly.pk,  # noqa: E731
                                            facts=["M-LI"], fine_fen=fine, procedure="summary",
                                            departure_reason="情节显著轻微")
    if ok:
        assert call().procedure == "summary"
    else:
        err = assert_refused(call, person_case, None, exc=ValidationError)
        assert "第五十一条" in err.messages[0]


@pytest.mark.parametrize(("fine", "ok"), [(3_000_00, True), (3_001_00, False)])
def test_art51_summary_procedure_organisation_threshold(ent_case, o1, maxonly, fine, ok):
    call = lambda: services.penalty_propose(actor=o1, case_id=ent_case.pk, baseline_item_id=maxonly.pk,  # noqa: E731
                                            facts=["M-LI"], fine_fen=fine, procedure="summary")
    if ok:
        assert call().procedure == "summary"
    else:
        assert_refused(call, ent_case, None, exc=ValidationError)


def test_art33_not_punished_decided_with_an_education_record(person_case, investigate, o1, head, ranged):
    investigate(person_case)
    services.penalty_propose(actor=o1, case_id=person_case.pk, baseline_item_id=ranged.pk, facts=["R-NP"])
    with pytest.raises(ValidationError) as info:
        services.case_decide(actor=head, case_id=person_case.pk)
    assert "第三十三条" in info.value.messages[0]
    case = services.case_decide(actor=head, case_id=person_case.pk, education_record="已当场讲解人防法规，当事人已改正")
    assert case.penalty_kind == "not_punished" and case.at_proposal
    assert case.documents.filter(kind=Document.Kind.NOT_PUNISHED).exists()
    assert case.records.filter(kind=Record.Kind.EDUCATION).exists()
    assert case.publish_due is None and case.rereview_due is None  # no penalty: nothing to publish or re-review


# --- prior notice, statement, hearing ---------------------------------------------------------


def test_art44_no_decision_before_prior_notice(ent_case, investigate, o1, head, reviewer, ranged):
    investigate(ent_case)
    services.penalty_propose(actor=o1, case_id=ent_case.pk, baseline_item_id=ranged.pk, facts=[])
    _review_agree(reviewer, ent_case)
    assert_refused(lambda: services.case_decide(actor=head, case_id=ent_case.pk), ent_case, "art44_no_notice", article="第四十四条")


def test_art44_no_decision_before_prior_notice_delivered(ent_case, investigate, o1, head, reviewer, ranged):
    investigate(ent_case)
    services.penalty_propose(actor=o1, case_id=ent_case.pk, baseline_item_id=ranged.pk, facts=[])
    services.prior_notice(actor=o1, case_id=ent_case.pk)
    _review_agree(reviewer, ent_case)
    assert_refused(lambda: services.case_decide(actor=head, case_id=ent_case.pk), ent_case, "art44_not_delivered",
             article="未送达行政处罚事先告知书")


def test_art45_no_decision_before_the_statement_period_ends(noticed, head, reviewer, today):
    _review_agree(reviewer, noticed)
    assert noticed.statement_until == dt.date(2026, 4, 9)  # 5 working days, Qingming (4–6 April) excluded
    today(dt.date(2026, 4, 9))
    assert_refused(lambda: services.case_decide(actor=head, case_id=noticed.pk), noticed, "art45_statement_period",
             article="第四十五条")
    today(dt.date(2026, 4, 10))
    assert services.case_decide(actor=head, case_id=noticed.pk).status == Status.DECIDED


def test_art45_a_statement_can_never_raise_the_penalty(noticed, head, reviewer, today, party):
    services.statement_submit(actor=party, case_id=noticed.pk, content="我公司已开始整改，请求从轻处罚")
    _review_agree(reviewer, noticed)
    today(dt.date(2026, 4, 10))
    raised = noticed.fine_fen + 100
    assert_refused(lambda: services.case_decide(actor=head, case_id=noticed.pk, fine_fen=raised, departure_reason="态度不好"),
             noticed, "art45_no_raise", article="第四十五条")
    assert_refused(lambda: services.case_decide(actor=head, case_id=noticed.pk, penalty_kind="suspension",
                                          departure_reason="态度不好"), noticed, "art45_no_raise")
    lower = services.case_decide(actor=head, case_id=noticed.pk, fine_fen=noticed.fine_fen - 1000_00)
    assert lower.status == Status.DECIDED


def _hearing_case(ent_case, investigate, o1, maxonly):
    """A fine above the organisation's hearing threshold (¥100,000 is the maximum; heavier band)."""
    investigate(ent_case)
    services.penalty_propose(actor=o1, case_id=ent_case.pk, baseline_item_id=maxonly.pk, facts=["M-HE"],
                             fine_fen=100_000_00)
    services.prior_notice(actor=o1, case_id=ent_case.pk)
    services.notice_deliver(actor=o1, case_id=ent_case.pk, delivered_on=DAY0)
    ent_case.refresh_from_db()
    return ent_case


def test_art64_hearing_requested_within_5_working_days(ent_case, investigate, o1, maxonly, party, today):
    case = _hearing_case(ent_case, investigate, o1, maxonly)
    assert case.hearing_right and case.hearing_request_until == dt.date(2026, 4, 9)
    today(dt.date(2026, 4, 10))
    assert_refused(lambda: services.hearing_request(actor=party, case_id=case.pk), case, "art64_request_late", article="第六十四条")
    today(dt.date(2026, 4, 9))
    assert services.hearing_request(actor=party, case_id=case.pk).status == Status.HEARING


def test_art64_no_decision_before_the_hearing_window_closes(ent_case, investigate, o1, maxonly, head, reviewer, today):
    case = _hearing_case(ent_case, investigate, o1, maxonly)
    _review_agree(reviewer, case)
    today(dt.date(2026, 4, 9))
    # the statement period ends the same day; the first refusal is the statement's
    err = assert_refused(lambda: services.case_decide(actor=head, case_id=case.pk), case, "art45_statement_period")
    assert "第四十五条" in err.message
    blockers = dict(services.decide_blockers(EnforcementCase.objects.get(pk=case.pk), dt.date(2026, 4, 9)))
    assert "art64_request_window" in blockers


def test_art64_party_told_seven_working_days_before_and_chair_is_no_investigator(
        ent_case, investigate, o1, o2, maxonly, party, head, reviewer, today):
    case = _hearing_case(ent_case, investigate, o1, maxonly)
    services.hearing_request(actor=party, case_id=case.pk)
    too_soon = dt.date(2026, 4, 9)  # earliest: 7 working days after 1 April is 13 April
    assert_refused(lambda: services.hearing_schedule(actor=o1, case_id=case.pk, hearing_on=too_soon, chair_id=reviewer.pk),
             case, "art64_notice_7_days", article="七日前")
    assert_refused(lambda: services.hearing_schedule(actor=o1, case_id=case.pk, hearing_on=dt.date(2026, 4, 13),
                                               chair_id=o2.pk), case, "art64_chair_investigator", article="非本案调查人员")
    with pytest.raises(ValidationError):  # not public without a reason
        services.hearing_schedule(actor=o1, case_id=case.pk, hearing_on=dt.date(2026, 4, 13), chair_id=reviewer.pk,
                                  public=False)
    services.hearing_schedule(actor=o1, case_id=case.pk, hearing_on=dt.date(2026, 4, 13), chair_id=reviewer.pk)
    assert case.documents.filter(kind=Document.Kind.HEARING_NOTICE).exists()
    assert_refused(lambda: services.case_decide(actor=head, case_id=case.pk), case, "art64_hearing_open")
    today(dt.date(2026, 4, 13))
    services.hearing_hold(actor=o1, case_id=case.pk, held_on=dt.date(2026, 4, 13), record="听证笔录：当事人申辩……")
    case.refresh_from_db()
    assert case.status == Status.NOTIFIED and case.records.filter(kind=Record.Kind.HEARING).exists()


# --- legal review, collective decision, deadline ---------------------------------------------


def test_art58_no_enterprise_penalty_without_legal_review(noticed, head, today):
    today(dt.date(2026, 4, 10))
    assert_refused(lambda: services.case_decide(actor=head, case_id=noticed.pk), noticed, "art58_legal_review", article="第五十八条")


def test_art58_a_revise_opinion_also_blocks(noticed, head, reviewer, today):
    services.legal_review(actor=reviewer, case_id=noticed.pk, opinion="revise", reasons="罚款依据引用不全")
    today(dt.date(2026, 4, 10))
    assert_refused(lambda: services.case_decide(actor=head, case_id=noticed.pk), noticed, "art58_legal_review")


def test_art58_reviewer_is_never_an_investigator(noticed, city_a, o1):
    from tongban.accounts.models import Role, StaffRole

    StaffRole.objects.create(user=o1, role=Role.LEGAL_REVIEWER)
    o1._role_cache = None
    assert_refused(lambda: services.legal_review(actor=o1, case_id=noticed.pk, opinion="agree", reasons="同意"),
             noticed, "art58_reviewer_investigator", article="第五十八条")


def test_art58_legal_review_shows_the_departure(ent_case, investigate, o1, reviewer, ranged):
    investigate(ent_case)
    services.penalty_propose(actor=o1, case_id=ent_case.pk, baseline_item_id=ranged.pk, facts=[], fine_fen=45_000_00,
                             departure_reason="多次违法")
    _review_agree(reviewer, ent_case)
    doc = ent_case.documents.get(kind=Document.Kind.LEGAL_REVIEW)
    assert doc.content["departs"] and doc.content["departure_reason"] == "多次违法"


def test_art57_major_case_needs_a_collective_decision(today, city_a, o1, o2, head, reviewer, investigate, ranged,
                                                      enterprise_user):
    case = open_case(o1, city_a, party_enterprise(enterprise_user.enterprise), officers=[o1, o2], is_major=True)
    services.case_register(actor=head, case_id=case.pk)
    investigate(case)
    services.penalty_propose(actor=o1, case_id=case.pk, baseline_item_id=ranged.pk, facts=[])
    services.prior_notice(actor=o1, case_id=case.pk)
    services.notice_deliver(actor=o1, case_id=case.pk, delivered_on=DAY0)
    _review_agree(reviewer, case)
    today(dt.date(2026, 4, 10))
    assert_refused(lambda: services.case_decide(actor=head, case_id=case.pk), case, "art57_collective", article="第五十七条")
    services.case_collective(actor=head, case_id=case.pk, minutes="出席：主任、副主任；一致同意按建议处罚")
    assert services.case_decide(actor=head, case_id=case.pk).status == Status.DECIDED


def test_art60_no_decision_after_90_days_unless_extended(noticed, head, reviewer, today):
    _review_agree(reviewer, noticed)
    today(dt.date(2026, 7, 1))  # registered 1 April: 90 days end on 30 June
    assert_refused(lambda: services.case_decide(actor=head, case_id=noticed.pk), noticed, "art60_overdue", article="第六十条")
    services.case_extend(actor=head, case_id=noticed.pk, reason="需要补充鉴定")
    case = EnforcementCase.objects.get(pk=noticed.pk)
    assert case.decision_due == dt.date(2026, 7, 30) and case.extension_approved_by == head
    with pytest.raises(Conflict):
        services.case_extend(actor=head, case_id=noticed.pk, reason="再次延长")
    today(dt.date(2026, 7, 31))
    assert_refused(lambda: services.case_decide(actor=head, case_id=noticed.pk), noticed, "art60_overdue")
    today(dt.date(2026, 7, 30))
    assert services.case_decide(actor=head, case_id=noticed.pk).status == Status.DECIDED


def test_investigator_cannot_decide_own_case(noticed, o1, reviewer, today):
    from tongban.accounts.models import Role, StaffRole

    StaffRole.objects.create(user=o1, role=Role.APPROVER)
    o1._role_cache = None
    _review_agree(reviewer, noticed)
    today(dt.date(2026, 4, 10))
    assert_refused(lambda: services.case_decide(actor=o1, case_id=noticed.pk), noticed, "art57_decider_investigator")


# --- decision, delivery, payment, publicity, re-review ---------------------------------------


@pytest.fixture
def decided(noticed, head, reviewer, today):
    _review_agree(reviewer, noticed)
    today(dt.date(2026, 4, 10))
    return services.case_decide(actor=head, case_id=noticed.pk, reasons="事实清楚")


def test_decision_is_numbered_cites_the_baseline_and_publishes_the_event(decided):
    doc = decided.documents.get(kind=Document.Kind.DECISION)
    assert decided.decision_number == doc.number and "罚决〔2026〕" in doc.number
    assert doc.content["baseline"] == "T-RF v1" and doc.content["clauses"] == ["R-GE"]
    assert decided.at_proposal and decided.delivery_due == dt.date(2026, 4, 21)
    assert decided.rereview_due == dt.date(2026, 5, 10) and decided.publish_due == dt.date(2026, 4, 21)


def test_art61_delivery_then_art72_surcharge_on_the_page(decided, o1, today):
    services.case_deliver(actor=o1, case_id=decided.pk, delivered_on=dt.date(2026, 4, 10))
    case = EnforcementCase.objects.get(pk=decided.pk)
    assert case.status == Status.EXECUTING and case.payment_due == dt.date(2026, 4, 25)
    assert services.amount_due(case, dt.date(2026, 4, 27))["surcharge_fen"] == case.fine_fen * 6 // 100
    assert services.amount_due(case, dt.date(2026, 9, 1))["surcharge_fen"] == case.fine_fen  # capped
    today(dt.date(2026, 4, 27))
    with pytest.raises(ValidationError):  # the fine alone is not enough once late
        services.case_execute(actor=o1, case_id=case.pk, paid_on=dt.date(2026, 4, 27), paid_fen=case.fine_fen)
    services.case_execute(actor=o1, case_id=case.pk, paid_on=dt.date(2026, 4, 27), paid_fen=case.fine_fen * 106 // 100)
    assert services.case_close(actor=o1, case_id=case.pk).status == Status.CLOSED


def test_art48_publish_and_withdraw_with_reason_and_events(decided, o1, head, today):
    from tongban.enforcement.selectors import publicity_summary

    seen = []

    def handler(case_id):
        seen.append(case_id)

    events.subscribe("enforcement.published", handler)
    events.subscribe("enforcement.revoked", handler)
    try:
        services.case_publish(actor=o1, case_id=decided.pk)
        assert EventDelivery.objects.filter(event="enforcement.published", payload={"case_id": decided.pk}).exists()
        s = publicity_summary(decided.pk)
        assert s["decision_number"] == decided.decision_number and s["fine_fen"] == decided.fine_fen
        assert s["party_kind"] == "enterprise" and s["procedure"] == "general" and not s["revoked"]
        assert list(selectors.published_decisions()) == [EnforcementCase.objects.get(pk=decided.pk)]
        with pytest.raises(ValidationError):
            services.case_revoke(actor=head, case_id=decided.pk, reason="")
        today(dt.date(2026, 4, 30))  # before 劳动节 (1–5 May)
        services.case_revoke(actor=head, case_id=decided.pk, reason="行政复议决定撤销")
        case = EnforcementCase.objects.get(pk=decided.pk)
        assert case.withdraw_due == dt.date(2026, 5, 8)
        assert publicity_summary(case.pk)["revoked"] and publicity_summary(case.pk)["revoked_reason"]
        assert not selectors.published_decisions().exists()
        assert EventDelivery.objects.filter(event="enforcement.revoked").exists()
    finally:
        events.unsubscribe("enforcement.published", handler)
        events.unsubscribe("enforcement.revoked", handler)


def test_rereview_by_someone_who_took_no_part_within_a_month(decided, city_a, head, reviewer, today):
    assert_refused(lambda: services.case_rereview(actor=reviewer, case_id=decided.pk, outcome="upheld", reason="维持"),
             decided, "rereview_participant")
    other = __import__("tests.factories", fromlist=["StaffFactory"]).StaffFactory(
        username="e_rereview", organisation=city_a, roles=["legal_reviewer"])
    today(dt.date(2026, 5, 10))
    case = services.case_rereview(actor=other, case_id=decided.pk, outcome="upheld", reason="裁量适当")
    assert case.rereview_outcome == "upheld"
    assert not case.transitions.get(action="rereview").data["late"]


def test_rereview_correction_reopens_the_case_and_withdraws_the_publication(decided, city_a, o1, today):
    from ..factories import StaffFactory

    services.case_publish(actor=o1, case_id=decided.pk)
    other = StaffFactory(username="e_rereview2", organisation=city_a, roles=["legal_reviewer"])
    today(dt.date(2026, 5, 11))  # one day past the month: still done, recorded as late
    case = services.case_rereview(actor=other, case_id=decided.pk, outcome="corrected", reason="裁量情形认定错误")
    case.refresh_from_db()
    assert case.status == Status.INVESTIGATING and case.reopen_count == 1
    assert case.revoked and "内部复核" in case.revoked_reason and case.withdraw_due
    assert not case.decision_number and not case.review_opinion
    assert case.notice_delivered_on is None and case.notified_fine_fen == decided.fine_fen  # re-notify; §45 ceiling kept
    assert case.transitions.filter(action="rereview").get().data["late"]
    assert selectors.metrics(other)["corrected"] == 1


def test_summary_procedure_decides_on_the_spot(person_case, investigate, o1, head, maxonly):
    investigate(person_case)
    services.penalty_propose(actor=o1, case_id=person_case.pk, baseline_item_id=maxonly.pk, facts=["M-LI"],
                             fine_fen=200_00, procedure="summary", departure_reason="当场处罚")
    case = services.case_decide(actor=head, case_id=person_case.pk)
    assert case.status == Status.DECIDED and case.fine_fen == 200_00


def test_inspection_hand_over_builds_a_draft_case_once(today, city_a, o1, o2, enterprise_user):
    summary = {"org_id": city_a.pk, "subject_uscc": enterprise_user.enterprise.uscc,
               "subject_name": enterprise_user.enterprise.name, "subject_address": "郑州市金水路 1 号",
               "findings": "防空地下室被改作仓库", "inspected_on": DAY0, "task_number": "CJ-2026-001",
               "result_number": "JG-2026-0007", "inspector_user_ids": [o1.pk, o2.pk]}
    case = services.case_from_handover(7, summary)
    again = services.case_from_handover(7, summary)
    assert case.pk == again.pk and EnforcementCase.objects.count() == 1
    assert case.status == Status.DRAFT and case.source == "inspection" and case.party_enterprise == enterprise_user.enterprise
    assert set(case.officers.values_list("pk", flat=True)) == {o1.pk, o2.pk}


def test_case_from_a_complaint_reads_the_appeal_once(today, city_a, o1, o2, enterprise_user, citizen):
    from django.http import Http404

    from ..appeals.factories import file_appeal, make_categories, route_to

    make_categories()
    route_to(city_a)
    appeal = file_appeal(citizen, kind="complaint", title="小区防空地下室被改作仓库", content="某物业擅自改变人防工程用途")
    data = {**party_enterprise(enterprise_user.enterprise), "act_on": DAY0}
    case = services.case_create(actor=o1, organisation=city_a, appeal_id=appeal.pk, data=data, officer_ids=[o1.pk, o2.pk])
    assert case.source == "complaint" and case.source_ref == appeal.number and appeal.title in case.facts
    assert "某物业" not in case.facts  # the complainant's own words stay in appeals
    with pytest.raises(Conflict):
        services.case_create(actor=o1, organisation=city_a, appeal_id=appeal.pk, data=data)
    with pytest.raises(Http404):  # an appeal outside the officer's scope is not found
        services.case_create(actor=o1, organisation=city_a, appeal_id=999999, data=data)


def test_party_sees_the_case_only_once_registered(today, city_a, o1, o2, head, enterprise_user):
    from tongban.enforcement.permissions import cases_for

    case = open_case(o1, city_a, party_enterprise(enterprise_user.enterprise), officers=[o1, o2])
    assert not cases_for(enterprise_user).exists()
    services.case_register(actor=head, case_id=case.pk)
    assert list(cases_for(enterprise_user)) == [EnforcementCase.objects.get(pk=case.pk)]


def test_public_decisions_mask_a_person(person_case, investigate, o1, head, reviewer, maxonly, today):
    investigate(person_case)
    services.penalty_propose(actor=o1, case_id=person_case.pk, baseline_item_id=maxonly.pk, facts=["M-LI"],
                             fine_fen=5_000_00, departure_reason="情节轻微")
    services.prior_notice(actor=o1, case_id=person_case.pk)
    services.notice_deliver(actor=o1, case_id=person_case.pk, delivered_on=DAY0)
    today(dt.date(2026, 4, 10))
    services.case_decide(actor=head, case_id=person_case.pk)  # a person's ¥5,000 fine needs no legal review here
    services.case_publish(actor=o1, case_id=person_case.pk)
    row = selectors.public_row(selectors.published_decisions().get())
    assert row["party"] == "张*" and "张明" not in str(row) and not row["party_code"]
    assert party_person  # imported for symmetry with the enterprise party


def test_calendar_change_moves_working_day_deadlines(decided, admin_p, django_capture_on_commit_callbacks):
    from tongban.core import calendar_store

    assert decided.delivery_due == dt.date(2026, 4, 21) and decided.publish_due == dt.date(2026, 4, 21)
    with django_capture_on_commit_callbacks(execute=True):
        calendar_store.calendar_day_set(actor=admin_p, date=dt.date(2026, 4, 14), kind="holiday", name="测试假日")
    case = EnforcementCase.objects.get(pk=decided.pk)
    assert case.delivery_due == dt.date(2026, 4, 22) and case.publish_due == dt.date(2026, 4, 22)


def test_shuang_gongshi_the_published_decision_becomes_a_credit_record_and_revocation_withdraws_it(
    decided, o1, head, today, django_capture_on_commit_callbacks
):
    """The modules as they run together: enforcement publishes, credit (a real subscriber) makes
    the 双公示 record; a revoked decision sends the record into withdrawal (《行政处罚法》第四十八条)."""
    from tongban.credit.models import CreditRecord, RecordStatus, Source

    with django_capture_on_commit_callbacks(execute=True):
        services.case_publish(actor=o1, case_id=decided.pk)
    record = CreditRecord.objects.get(source=Source.PENALTY, source_ref=str(decided.pk))
    assert record.subject_code == decided.party_uscc and record.status == RecordStatus.PUBLISHED
    today(dt.date(2026, 4, 30))
    with django_capture_on_commit_callbacks(execute=True):
        services.case_revoke(actor=head, case_id=decided.pk, reason="行政复议决定撤销")
    record.refresh_from_db()
    assert record.status in (RecordStatus.WITHDRAWING, RecordStatus.VOID) and "撤销" in record.void_reason
