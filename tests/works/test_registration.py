"""网上报监: the builder enters the project and registers it with the documents; the station's
acceptance clock in working days; acceptance numbers the registration, issues the supervision plan
and assesses the fee with the reliefs that apply without an application."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tongban.core.errors import Conflict
from tongban.core.models import Notification
from tongban.works import services
from tongban.works.models import Building, FeeAssessment, Project, WorksDocument
from tongban.works.services.visits import sweep_registrations

from .factories import RESIDENTIAL_PLAIN, documents, make_project, pdf, submitted


def test_a_project_keeps_its_buildings_basements_and_parties(world, builder, contractor):
    project = make_project(builder, parties=[{"role": "contractor", "uscc": contractor.uscc}])
    assert project.status == Project.Status.DRAFT and project.organisation.name.endswith("质量监督站")
    b1, b2 = project.buildings.order_by("pk")
    assert (b1.has_basement, b1.protection_class, b1.basement_area_cm2) == (True, "6", 70_000)
    assert (b2.has_basement, b2.basement_area_cm2) == (False, 0)
    assert sorted(project.parties.values_list("role", flat=True)) == ["builder", "contractor"]


@pytest.mark.parametrize(
    ("building", "message"),
    [
        ({"name": "A", "use": "residential", "above_area": "100", "has_basement": True, "below_area": "50",
          "basement_area": "40"}, "请选择防护等级"),
        ({"name": "A", "use": "residential", "above_area": "100", "has_basement": True, "protection_class": "6",
          "below_area": "50", "basement_area": "60"}, "不能大于地下建筑面积"),
        ({"name": "A", "use": "residential", "above_area": "100", "basement_area": "60"}, "面积应为 0"),
        ({"name": "A", "use": "residential", "above_area": "100.001"}, "最多保留两位小数"),
        ({"name": "", "use": "spaceship", "above_area": "1"}, "请选择建筑用途"),
    ],
)
def test_bad_buildings_are_refused_and_nothing_is_saved(world, builder, building, message):
    with pytest.raises(ValidationError) as exc:
        make_project(builder, buildings=[building])
    assert message in "；".join(exc.value.messages)
    assert not Project.objects.exists() and not Building.objects.exists()


def test_an_unknown_party_and_a_region_without_a_station_are_refused(world, builder):
    with pytest.raises(ValidationError) as exc:
        make_project(builder, parties=[{"role": "designer", "uscc": "91410100MA00000019"}])
    assert "统一社会信用代码" in "；".join(exc.value.messages)
    with pytest.raises(ValidationError) as exc:
        make_project(builder, region="420100")
    assert "尚未设置人防工程质量监督站" in "；".join(exc.value.messages)


def test_registration_needs_every_document_and_refuses_a_disguised_file(world, builder):
    project = make_project(builder)
    files = documents()
    del files["quality_form"]
    files["drawing_review"] = pdf("审查合格书.exe.pdf")
    with pytest.raises(ValidationError) as exc:
        services.registration_submit(actor=builder, project_id=project.pk, files=files)
    text = "；".join(exc.value.messages)
    assert "请上传“人防工程质量监督登记表”" in text and "可执行程序" in text
    project.refresh_from_db()
    assert project.status == Project.Status.DRAFT and not project.documents.exists()


def test_the_acceptance_clock_counts_working_days_and_warns(world, builder, settings):
    project = submitted(builder)  # Wednesday 2026-09-09
    # [K] 5 working days, the day of submission not counted: Thu, Fri, Mon, Tue, Wed.
    assert project.submitted_on == dt.date(2026, 9, 9) and project.registration_due == dt.date(2026, 9, 16)
    assert project.warning == ""
    sweep_registrations(dt.date(2026, 9, 14))
    project.refresh_from_db()
    assert project.warning == "yellow"
    sweep_registrations(dt.date(2026, 9, 17))
    project.refresh_from_db()
    assert project.warning == "red"


def test_the_limit_is_configurable(world, builder, settings):
    settings.TONGBAN_WORKS_REGISTRATION_DAYS = 3
    assert submitted(builder).registration_due == dt.date(2026, 9, 14)


def test_acceptance_numbers_the_registration_issues_the_plan_and_assesses_the_fee(world, builder, w_clerk, w_sup):
    project = submitted(builder)
    project = services.registration_accept(actor=w_clerk, project_id=project.pk, supervisor_id=w_sup.pk)
    assert project.status == Project.Status.SUPERVISED and project.supervisor == w_sup
    assert "人防质监登〔2026〕1号" in project.registration_number
    plan = project.issued.get(kind=WorksDocument.Kind.PLAN)
    assert "人防质监计〔2026〕1号" in plan.number and plan.content["supervisor"] == "许监督"
    fee = FeeAssessment.objects.get(project=project)
    # 2号楼: 5,000 m² × 7% = 350 m² not built × 2,000 元; 1号楼's 700 m² basement covers its own.
    assert fee.payable_fen == 70_000_000 and fee.rule_version == "410100 v1; 410000 v2"
    assert Notification.objects.filter(recipient=builder, title__contains="报监已受理").exists()


def test_a_reduction_applies_without_an_application_and_the_builder_is_told(world, builder, w_clerk, w_sup):
    project = submitted(builder, region="410102", land_type="logistics_warehouse",
                        buildings=[{"name": "仓库", "use": "warehouse", "above_area": "1999.99"}])
    services.registration_accept(actor=w_clerk, project_id=project.pk, supervisor_id=w_sup.pk)
    fee = FeeAssessment.objects.get(project=project)
    assert fee.payable_fen == 0 and fee.applied_codes == ["HA-ZERO-SMALL-LOGISTICS"]
    assert fee.status == FeeAssessment.Status.SETTLED
    note = Notification.objects.get(recipient=builder, title__contains="易地建设费已核定")
    assert "免申即享，无需申请" in note.body and "豫人防〔2021〕56号" in note.body


def test_the_supervisor_must_be_of_the_station_and_a_stale_page_is_refused(world, builder, w_clerk, w_head, w_other):
    project = submitted(builder)
    with pytest.raises(ValidationError):
        services.registration_accept(actor=w_clerk, project_id=project.pk, supervisor_id=w_head.pk)  # not an inspector
    with pytest.raises(ValidationError):
        services.registration_accept(actor=w_clerk, project_id=project.pk, supervisor_id=w_other.pk)  # other station
    with pytest.raises(Conflict):
        services.registration_accept(actor=w_clerk, project_id=project.pk, supervisor_id=w_head.pk, expected_version=1)
    project.refresh_from_db()
    assert project.status == Project.Status.SUBMITTED and not project.registration_number


def test_a_returned_registration_is_resubmitted_with_only_what_changed(world, builder, w_clerk):
    project = submitted(builder, buildings=[RESIDENTIAL_PLAIN])
    services.registration_return(actor=w_clerk, project_id=project.pk, reason="监督登记表缺建设单位盖章。")
    project.refresh_from_db()
    assert project.status == Project.Status.RETURNED
    assert Notification.objects.filter(recipient=builder, body__contains="缺建设单位盖章").exists()
    project = services.registration_submit(actor=builder, project_id=project.pk, files={"quality_form": pdf()})
    assert project.status == Project.Status.SUBMITTED and project.documents.count() == 4
