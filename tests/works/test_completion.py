"""竣工一幢、验收一幢 (豫人防〔2021〕27号): a building without an air-defence basement gets its letter
on the builder's request; the project's verification document waits for every basement and the fee."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tongban.core.errors import Conflict
from tongban.works import services
from tongban.works.models import Building, FeeAssessment, Project, WorksDocument

from .factories import supervised


@pytest.fixture
def project(world, builder, w_clerk, w_sup, contractor):
    return supervised(builder, w_clerk, w_sup, parties=[{"role": "contractor", "uscc": contractor.uscc}])


def _b(project, name):
    return Building.objects.get(project=project, name=name)


def test_yurenfang_2021_27_a_building_without_a_basement_gets_a_numbered_letter_on_request(project, builder, w_head):
    plain = _b(project, "2号楼")
    with pytest.raises(Conflict, match="尚未申请"):
        services.building_accept(actor=w_head, building_id=plain.pk)
    services.building_request(actor=builder, building_id=plain.pk)
    letter = services.building_accept(actor=w_head, building_id=plain.pk)
    assert letter.kind == WorksDocument.Kind.BUILDING_LETTER and "人防单验函〔2026〕1号" in letter.number
    plain.refresh_from_db()
    assert plain.status == Building.Status.ACCEPTED
    project.refresh_from_db()
    assert project.status == Project.Status.SUPERVISED  # the whole project does not wait, nor is it done


def test_yurenfang_2021_27_a_building_with_a_basement_is_refused_a_single_letter(project, builder, w_head):
    basement = _b(project, "1号楼")
    for call in (
        lambda: services.building_request(actor=builder, building_id=basement.pk),
        lambda: services.building_accept(actor=w_head, building_id=basement.pk),
    ):
        with pytest.raises(ValidationError) as exc:
            call()
        text = exc.value.messages[0]
        assert "豫人防〔2021〕27号" in text and "建有防空地下室" in text
    basement.refresh_from_db()
    assert basement.status == Building.Status.BUILDING and basement.letter_requested_on is None
    assert not WorksDocument.objects.filter(kind=WorksDocument.Kind.BUILDING_LETTER).exists()


def test_verification_is_refused_while_anything_is_missing_and_lists_it(project, w_head, w_sup, w_fee):
    with pytest.raises(ValidationError) as exc:
        services.project_verify(actor=w_head, project_id=project.pk)
    text = exc.value.messages[0]
    assert "“1号楼”的防空地下室尚未竣工验收合格" in text and "易地建设费 700,000.00 元尚未缴清" in text
    basement = _b(project, "1号楼")
    services.visit_record(actor=w_sup, project_id=project.pk, stage="completion", building_id=basement.pk,
                          outcome="rectify", findings="防护密闭门门框变形。", requirement="更换门框。")
    assert "整改通知（竣工" in services.missing_for_verification(project)[-2]
    with pytest.raises(ValidationError, match="尚有未完成的整改"):
        services.visit_record(actor=w_sup, project_id=project.pk, stage="completion", building_id=basement.pk,
                              outcome="passed", findings="复查合格。")
    rect = project.rectifications.get()
    services.rectification_close(actor=w_sup, rectification_id=rect.pk, note="已更换，复查合格。")
    services.visit_record(actor=w_sup, project_id=project.pk, stage="completion", building_id=basement.pk,
                          outcome="passed", findings="防空地下室竣工验收合格。")
    assert services.missing_for_verification(project) == ["易地建设费 700,000.00 元尚未缴清。"]
    with pytest.raises(ValidationError):
        services.project_verify(actor=w_head, project_id=project.pk)
    project.refresh_from_db()
    assert project.status == Project.Status.SUPERVISED
    services.fee_settle(actor=w_fee, project_id=project.pk, payment_ref="豫非税 2026-000123")
    doc = services.project_verify(actor=w_head, project_id=project.pk)
    assert doc.kind == WorksDocument.Kind.VERIFICATION and doc.content["fee_rule_version"] == "410100 v1; 410000 v2"
    project.refresh_from_db()
    assert project.status == Project.Status.VERIFIED


def test_a_basement_passes_only_by_a_completion_visit_on_that_building(project, w_sup):
    plain = _b(project, "2号楼")
    with pytest.raises(ValidationError, match="单体竣工验收备案函"):
        services.visit_record(actor=w_sup, project_id=project.pk, stage="completion", building_id=plain.pk,
                              outcome="passed", findings="合格")
    with pytest.raises(ValidationError, match="竣工检查请选择单体"):
        services.visit_record(actor=w_sup, project_id=project.pk, stage="completion", outcome="passed", findings="合格")


def test_officer_waiver_needs_a_rule_in_force(project, w_fee):
    before = FeeAssessment.objects.get(project=project, superseded=False)
    with pytest.raises(ValidationError) as exc:
        services.fee_assess(actor=w_fee, project_id=project.pk, claimed=["AH-EXEMPT-AFFORDABLE"])
    assert "不能录入没有现行规则依据的减免" in exc.value.messages[0]
    with pytest.raises(ValidationError, match="条件不满足"):
        services.fee_assess(actor=w_fee, project_id=project.pk, claimed=["NAT-EXEMPT-DISASTER"])
    assert list(FeeAssessment.objects.filter(project=project, superseded=False)) == [before]


def test_a_verified_waiver_is_stored_with_the_rule_version(world, builder, w_clerk, w_sup, w_fee):
    project = supervised(builder, w_clerk, w_sup, buildings=[
        {"name": "A", "use": "residential", "above_area": "1000", "category": "disaster_rebuild"}])
    automatic = FeeAssessment.objects.get(project=project, superseded=False)
    assert automatic.payable_fen == 14_000_000  # needs an officer: not applied by itself
    services.fee_assess(actor=w_fee, project_id=project.pk, claimed=["NAT-EXEMPT-DISASTER"])
    current = FeeAssessment.objects.get(project=project, superseded=False)
    assert current.payable_fen == 0 and current.claimed_codes == ["NAT-EXEMPT-DISASTER"]
    assert current.rule_set.version == 1 and current.result["rule_version"] == "410100 v1; 410000 v2"
    assert any(s["code"] == "NAT-EXEMPT-DISASTER" for s in current.result["steps"])
