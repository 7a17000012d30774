"""Every credit operation against every persona: anonymous, the subject, another applicant, staff
of another organisation, staff without the permission, staff with it. A refusal changes nothing."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from tests.factories import StaffFactory
from tongban.accounts.models import Role
from tongban.credit import services
from tongban.credit.models import (
    Commitment,
    CreditRecord,
    EvaluationRun,
    ListEntry,
    Objection,
    Repair,
)
from tongban.credit.permissions import get_evaluation_for, get_run_for

from .factories import black_list, pdf, penalty_record, scoring_method

D = dt.date


@pytest.fixture
def world(city_a, city_b, firm, other_firm, credit_admin, credit_admin_b, pin_today):
    pin_today(D(2026, 6, 10))
    record = penalty_record(city_a, uscc=firm.enterprise.uscc, name=firm.enterprise.name, severity_hint="serious",
                            decided_on=D(2025, 5, 1))
    repair = services.repair_apply(actor=firm, record_id=record.pk, corrected="a", penalty_fulfilled="b",
                                   commitment="c", evidence=[pdf()])
    objection = services.objection_submit(actor=firm, target="record", target_id=record.pk, content="有误")
    scoring_method()
    run = services.evaluation_run(actor=credit_admin)  # city_a's run: city_b's staff never see it
    cl = black_list()
    commitment = services.commitment_create(actor=credit_admin, kind="government", promise="30日内支付工程款",
                                            made_in="合同", due_on=D(2026, 7, 1))
    people = {
        "anonymous": AnonymousUser(), "subject": firm, "other_applicant": other_firm, "admin_elsewhere": credit_admin_b,
        "clerk": StaffFactory(organisation=city_a, roles=[Role.CLERK]),
        "supervisor": StaffFactory(organisation=city_a, roles=[Role.SUPERVISOR]), "credit_admin": credit_admin,
    }
    return {"run": run, "record": record, "repair": repair, "objection": objection, "list": cl, "commitment": commitment,
            "people": people}


def snapshot():
    return (
        list(CreditRecord.objects.order_by("pk").values_list("status", "row_version", "disputed")),
        list(Repair.objects.order_by("pk").values_list("status", "row_version")),
        list(Objection.objects.order_by("pk").values_list("status", "row_version")),
        list(EvaluationRun.objects.order_by("pk").values_list("status", flat=True)), ListEntry.objects.count(),
        list(Commitment.objects.order_by("pk").values_list("status", "row_version")),
    )


def _second_record(w):
    # A fresh record to repair (the world's one already has a pending repair).
    return penalty_record(w["record"].organisation, uscc=w["record"].subject_code, severity_hint="serious",
                          decided_on=D(2025, 4, 1))


OPERATIONS = {
    "repair_apply": (lambda a, w: services.repair_apply(actor=a, record_id=w["record2"].pk, corrected="a",
                                                        penalty_fulfilled="b", commitment="c", evidence=[pdf()]),
                     {"subject"}),
    "repair_decide": (lambda a, w: services.repair_decide(actor=a, repair_id=w["repair"].pk, approve=True, reasons="ok"),
                      {"credit_admin"}),
    "objection_submit": (lambda a, w: services.objection_submit(actor=a, target="record", target_id=w["record2"].pk,
                                                                content="x"), {"subject"}),
    "objection_decide": (lambda a, w: services.objection_decide(actor=a, objection_id=w["objection"].pk,
                                                                corrected=False, reasons="维持"), {"credit_admin"}),
    "evaluation_run": (lambda a, w: services.evaluation_run(actor=a), {"credit_admin", "admin_elsewhere"}),
    "evaluation_publish": (lambda a, w: services.evaluation_publish(actor=a, run_id=w["run"].pk), {"credit_admin"}),
    "list_propose": (lambda a, w: services.list_propose(actor=a, list_id=w["list"].pk, subject_code=w["record"].subject_code,
                                                        evidence="处罚决定"), {"credit_admin", "admin_elsewhere"}),
    "commitment_close": (lambda a, w: services.commitment_close(actor=a, commitment_id=w["commitment"].pk, kept=True,
                                                                note=""), {"credit_admin"}),
}


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
@pytest.mark.parametrize("role", ["anonymous", "subject", "other_applicant", "admin_elsewhere", "clerk", "supervisor",
                                  "credit_admin"])
def test_role_matrix(operation, role, world):
    call, allowed = OPERATIONS[operation]
    world["record2"] = _second_record(world)
    before = snapshot()
    actor = world["people"][role]
    if role in allowed:
        call(actor, world)
        assert snapshot() != before
        return
    with pytest.raises((PermissionDenied, Http404)):
        call(actor, world)
    assert snapshot() == before


# Reads scoped by the organisation that ran the evaluation: the run and a firm's breakdown.
READS = {
    "evaluation_run_view": (lambda a, w: get_run_for(a, w["run"].pk), {"credit_admin", "supervisor"}),
    "evaluation_breakdown": (lambda a, w: get_evaluation_for(a, w["run"].evaluations.first().pk),
                             {"credit_admin", "supervisor"}),
}


@pytest.mark.parametrize("read", sorted(READS))
@pytest.mark.parametrize("role", ["anonymous", "subject", "other_applicant", "admin_elsewhere", "clerk", "supervisor",
                                  "credit_admin"])
def test_role_matrix_reads(read, role, world):
    call, allowed = READS[read]
    actor = world["people"][role]
    if role in allowed:
        assert call(actor, world) is not None
        return
    with pytest.raises(Http404):
        call(actor, world)
