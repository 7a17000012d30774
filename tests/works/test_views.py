"""The pages: the builder registers online and asks for a single-building letter; the station
accepts, records a visit, issues the letter; documents download as PDF; bad input is a 4xx."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tongban.works.models import Building, Project, WorksDocument

from .factories import documents, make_project, supervised

pytestmark = pytest.mark.django_db


def _new_project_form(**over):
    data = {
        "name": "网页登记项目", "address": "郑州市金水区测试路 2 号", "region_code": "410105", "land_type": "residential",
        "b0_name": "1号楼", "b0_use": "residential", "b0_above": "8000", "b0_below": "600", "b0_basement": "1",
        "b0_class": "6", "b0_basement_area": "560", "b1_name": "2号楼", "b1_use": "commercial", "b1_above": "3000",
    }
    data.update(over)
    return data


def test_the_builder_enters_a_project_registers_it_and_sees_the_fee_preview(client, world, builder):
    client.force_login(builder)
    assert client.get(reverse("works:my_projects")).status_code == 200
    bad = client.post(reverse("works:my_project_new"), _new_project_form(b0_above="8000.001"))
    assert bad.status_code == 400 and "最多保留两位小数" in bad.content.decode()
    assert not Project.objects.exists()
    response = client.post(reverse("works:my_project_new"), _new_project_form())
    project = Project.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("works:my_project", args=[project.pk])
    page = client.get(response["Location"]).content.decode()
    # 1号楼 560 m² × 7% of 8,000 m² (= 560 m²) built; 2号楼 210 m² × 2,400 元 (郑州市商业标准).
    assert "提交网上报监" in page and "504,000.00" in page and "郑州市商业标准" in page
    incomplete = client.post(reverse("works:my_project_register", args=[project.pk]), {})
    assert incomplete.status_code == 400 and "请上传" in incomplete.content.decode()
    files = {f"doc_{k}": v for k, v in documents().items()}
    ok = client.post(reverse("works:my_project_register", args=[project.pk]), {"row_version": project.row_version, **files})
    assert ok.status_code == 302
    project.refresh_from_db()
    assert project.status == Project.Status.SUBMITTED


def test_the_station_accepts_records_a_visit_and_issues_a_single_building_letter(client, world, builder, w_clerk, w_sup, w_head):
    project = make_project(builder)
    from tongban.works import services

    services.registration_submit(actor=builder, project_id=project.pk, files=documents())
    client.force_login(w_clerk)
    listing = client.get(reverse("works:registrations")).content.decode()
    assert project.name in listing
    page = client.get(reverse("works:project", args=[project.pk])).content.decode()
    assert "受理并出具监督计划书" in page and "许监督" in page
    project.refresh_from_db()
    stale = client.post(reverse("works:act", args=[project.pk, "accept"]),
                        {"supervisor_id": w_sup.pk, "row_version": project.row_version - 1})
    assert stale.status_code == 409 and "已被他人更新" in stale.content.decode()
    client.post(reverse("works:act", args=[project.pk, "accept"]),
                {"supervisor_id": w_sup.pk, "row_version": project.row_version})
    project.refresh_from_db()
    assert project.status == Project.Status.SUPERVISED
    client.force_login(w_sup)
    assert project.name in client.get(reverse("works:visits_due")).content.decode()
    bad = client.post(reverse("works:act", args=[project.pk, "visit"]), {"stage": "foundation", "outcome": "passed"})
    assert bad.status_code == 400 and "请填写检查情况" in bad.content.decode()
    client.post(reverse("works:act", args=[project.pk, "visit"]),
                {"stage": "foundation", "outcome": "passed", "findings": "基础合格。"})
    assert project.visits.count() == 1
    plain = Building.objects.get(project=project, has_basement=False)
    client.force_login(builder)
    client.post(reverse("works:my_building_request", args=[project.pk, plain.pk]))
    basement = Building.objects.get(project=project, has_basement=True)
    refused = client.post(reverse("works:my_building_request", args=[project.pk, basement.pk]))
    assert refused.status_code == 400 and "豫人防〔2021〕27号" in refused.content.decode()
    client.force_login(w_head)
    assert "申请单体竣工验收备案" in client.get(reverse("works:project", args=[project.pk])).content.decode()
    client.post(reverse("works:act", args=[project.pk, "building_accept"]), {"building_id": plain.pk})
    letter = WorksDocument.objects.get(kind=WorksDocument.Kind.BUILDING_LETTER)
    client.force_login(builder)
    page = client.get(reverse("works:my_project", args=[project.pk])).content.decode()
    assert letter.number in page and "防空地下室尚未竣工验收合格" in page
    pdf = client.get(reverse("works:document", args=[project.pk, letter.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_pages_of_another_station_or_builder_are_404(client, world, builder, other_builder, w_other, w_clerk, w_sup):
    project = supervised(builder, w_clerk, w_sup)
    client.force_login(other_builder)
    assert client.get(reverse("works:my_project", args=[project.pk])).status_code == 404
    client.force_login(w_other)
    assert client.get(reverse("works:project", args=[project.pk])).status_code == 404
    assert client.post(reverse("works:act", args=[project.pk, "verify"])).status_code == 404


def test_the_verify_button_refuses_with_the_missing_list(client, world, builder, w_clerk, w_sup, w_head):
    project = supervised(builder, w_clerk, w_sup)
    client.force_login(w_head)
    response = client.post(reverse("works:act", args=[project.pk, "verify"]), {"row_version": project.row_version})
    assert response.status_code == 400
    assert "尚缺" in response.content.decode() and "易地建设费" in response.content.decode()


def test_list_pages_do_not_run_more_queries_for_more_projects(client, world, builder, w_clerk, w_sup):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(user, url):
        client.force_login(user)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    supervised(builder, w_clerk, w_sup, name="项目一")
    one = [count(w_clerk, reverse("works:registrations")), count(w_sup, reverse("works:visits_due")),
           count(builder, reverse("works:my_projects"))]
    for n in range(3):
        supervised(builder, w_clerk, w_sup, name=f"项目{n + 2}")
    many = [count(w_clerk, reverse("works:registrations")), count(w_sup, reverse("works:visits_due")),
            count(builder, reverse("works:my_projects"))]
    assert many == one
