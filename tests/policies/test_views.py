"""Pages as users see them: staff policy pages and the rule editor, enterprise "my policies",
the public finder, policy page and fee calculator; and the API."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from tests.factories import EnterpriseUserFactory
from tongban.policies import matching, services
from tongban.policies.models import MatchStatus, Policy, PolicyMatch, PolicyVersion

from .factories import WAREHOUSE_UNDER_2000, make_policy, make_profile

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(province, city_a):
    warehouse = make_profile(
        project_use="warehouse", project_floor_area_cm2=199_999, region_code="410102"
    )
    big = make_profile(
        project_use="logistics", project_floor_area_cm2=235_000, region_code="410102"
    )
    far = make_profile(
        project_use="warehouse", project_floor_area_cm2=100_000, region_code="410303"
    )
    policy = make_policy(city_a, WAREHOUSE_UNDER_2000, title="仓储易地建设费减免")
    matching.run_full()
    return {"warehouse": warehouse, "big": big, "far": far, "policy": policy}


def test_policy_pages_for_staff_show_matches_and_rules(client, admin_a, world):
    client.force_login(admin_a)
    page = client.get(reverse("policies:list")).content.decode()
    assert "仓储易地建设费减免" in page
    detail = client.get(reverse("policies:detail", args=[world["policy"].pk])).content.decode()
    assert "建设项目总建筑面积小于 2,000 m²" in detail
    assert world["warehouse"].enterprise.name in detail and "修订适用条件" in detail


def test_staff_without_manage_permission_cannot_edit_rules(client, clerk_a, world):
    client.force_login(clerk_a)
    assert client.get(reverse("policies:list")).status_code == 200
    assert client.get(reverse("policies:rule", args=[world["policy"].pk])).status_code == 403
    assert (
        client.post(
            reverse("policies:act", args=[world["policy"].pk, "withdraw"]), {"reason": "x"}
        ).status_code
        == 403
    )
    world["policy"].refresh_from_db()
    assert world["policy"].status == Policy.Status.PUBLISHED


def test_staff_of_another_city_cannot_manage_the_policy(client, admin_b, world):
    client.force_login(admin_b)
    assert client.get(reverse("policies:rule", args=[world["policy"].pk])).status_code == 404
    assert (
        client.get(reverse("policies:detail", args=[world["policy"].pk])).status_code == 200
    )  # published: readable


def test_applicants_are_kept_out_of_staff_pages(client, enterprise_user, world):
    client.force_login(enterprise_user)
    assert client.get(reverse("policies:list")).status_code == 403
    assert client.get(reverse("policies:profiles")).status_code == 403


def _rule_post(rows, combinator="all", valid_from="2026-07-01"):
    data = {
        "combinator": combinator,
        "valid_from": valid_from,
        "valid_to": "",
        "note": "提高门槛",
        "c-TOTAL_FORMS": str(len(rows)),
        "c-INITIAL_FORMS": "0",
        "c-MIN_NUM_FORMS": "0",
        "c-MAX_NUM_FORMS": "40",
    }
    for i, r in enumerate(rows):
        for key, value in r.items():
            data[f"c-{i}-{key}"] = value
    return data


def test_the_rule_editor_previews_and_saves_a_new_version_without_json(client, admin_a, world):
    client.force_login(admin_a)
    url = reverse("policies:rule", args=[world["policy"].pk])
    form = client.get(url).content.decode()
    assert 'name="c-1-value" value="2000"' in form  # the current rule is pre-filled, row by row
    rows = [
        {"field": "project_use", "op": "in", "value": "logistics、warehouse"},
        {"field": "project_floor_area", "op": "lt", "value": "2500"},
    ]
    preview = client.post(
        reverse("policies:rule_preview", args=[world["policy"].pk]), _rule_post(rows)
    ).content.decode()
    assert "3</span>" in preview and "家企业符合" in preview
    assert (
        "与第 1 版相比" in preview and "+ 1" in preview and world["big"].enterprise.name in preview
    )
    response = client.post(url, _rule_post(rows))
    assert response.status_code == 302
    version = PolicyVersion.objects.get(policy=world["policy"], number=2)
    assert version.condition["all"][1] == {
        "field": "project_floor_area",
        "op": "lt",
        "value": "2500",
    }


def test_the_rule_editor_explains_a_bad_value_and_saves_nothing(client, admin_a, world):
    client.force_login(admin_a)
    rows = [{"field": "project_floor_area", "op": "between", "value": "3000", "value2": "2000"}]
    preview = client.post(
        reverse("policies:rule_preview", args=[world["policy"].pk]), _rule_post(rows)
    ).content.decode()
    assert "这个范围不可能满足" in preview
    response = client.post(reverse("policies:rule", args=[world["policy"].pk]), _rule_post(rows))
    assert response.status_code == 400 and "这个范围不可能满足" in response.content.decode()
    assert PolicyVersion.objects.filter(policy=world["policy"]).count() == 1


def test_staff_see_the_explanation_for_an_enterprise(client, admin_a, world):
    client.force_login(admin_a)
    page = client.get(
        reverse("policies:explain", args=[world["policy"].pk, world["big"].pk])
    ).content.decode()
    assert "您的建设项目总建筑面积为 2,350 m²，超过 2,000 m²" in page
    profile_page = client.get(reverse("policies:profile", args=[world["big"].pk])).content.decode()
    assert "仓储易地建设费减免" in profile_page and "不符合" in profile_page


def test_profiles_outside_the_staff_area_are_not_found(client, admin_b, world):
    client.force_login(admin_b)  # Luoyang city sees 4103xx only
    assert client.get(reverse("policies:profile", args=[world["big"].pk])).status_code == 404
    assert client.get(reverse("policies:profile", args=[world["far"].pk])).status_code == 200


def test_an_enterprise_sees_its_policies_claims_and_staff_grant(client, admin_a, world):
    user = EnterpriseUserFactory(enterprise=world["warehouse"].enterprise)
    services.push_new()
    client.force_login(user)
    page = client.get(reverse("policies:mine")).content.decode()
    assert "仓储易地建设费减免" in page and "申领" in page
    match = PolicyMatch.objects.get(policy=world["policy"], enterprise=user.enterprise)
    assert client.post(reverse("policies:claim", args=[match.pk])).status_code == 302
    match.refresh_from_db()
    assert match.status == MatchStatus.CLAIMED
    other = EnterpriseUserFactory(enterprise=world["big"].enterprise)
    client.force_login(other)
    assert client.post(reverse("policies:claim", args=[match.pk])).status_code == 404
    mine = client.get(reverse("policies:mine")).content.decode()
    assert "为什么暂不符合" in mine and "超过 2,000 m²" in mine
    client.force_login(admin_a)
    client.post(reverse("policies:grant", args=[match.pk]), {"amount": "1000.50"})
    match.refresh_from_db()
    assert match.status == MatchStatus.GRANTED and match.granted_amount_fen == 100_050
    public = client.get(reverse("policies:public", args=[world["policy"].pk])).content.decode()
    assert world["warehouse"].enterprise.name in public and "1,000.50" in public


def test_the_public_finder_answers_without_login(client, world):
    url = reverse("policies:finder")
    answers = {"region_code": "410102", "project_use": "warehouse", "project_floor_area": "1999.99"}
    page = client.get(url, answers).content.decode()
    assert "可能适用" in page and "您的建设项目总建筑面积为 1,999.99 m²，低于 2,000 m²" in page
    page = client.get(url, dict(answers, project_floor_area="2000")).content.decode()
    assert "暂不适用" in page and "等于 2,000 m²" in page
    bad = client.get(url, dict(answers, project_floor_area="1999.999"))
    assert bad.status_code == 400 and "最多保留两位小数" in bad.content.decode()


def test_the_fee_calculator_page_shows_steps_and_the_exemption(client, relocation_fee):
    url = reverse("policies:fee")
    page = client.get(
        url, {"region_code": "410102", "building_use": "warehouse", "total_floor_area": "1999.99"}
    ).content.decode()
    assert (
        "应缴金额" in page
        and "0.00" in page
        and "豫人防〔2021〕56号" in page
        and "郑州市标准" in page
    )
    page = client.get(
        url, {"region_code": "410102", "building_use": "warehouse", "total_floor_area": "2000.01"}
    ).content.decode()
    assert "80,000.00" in page and "不适用" in page and "高于 2,000 m²" in page
    bad = client.get(
        url, {"region_code": "410102", "building_use": "warehouse", "total_floor_area": "x"}
    )
    assert bad.status_code == 400 and "不是有效的面积" in bad.content.decode()


def test_api_lists_policies_and_explains_for_staff_and_the_enterprise(client, admin_a, world):
    listing = client.get("/api/v1/policies/").json()
    assert [p["title"] for p in listing["items"]] == ["仓储易地建设费减免"]
    detail = client.get(f"/api/v1/policies/{world['policy'].pk}").json()
    assert detail["versions"][0]["conditions_text"][1] == "建设项目总建筑面积小于 2,000 m²"
    uscc = world["big"].enterprise.uscc
    assert client.get(f"/api/v1/policies/enterprises/{uscc}/matches").status_code == 401
    client.force_login(admin_a)
    matches = client.get(f"/api/v1/policies/enterprises/{uscc}/matches").json()
    assert matches == [
        {
            "policy_id": world["policy"].pk,
            "title": "仓储易地建设费减免",
            "eligible": False,
            "status": None,
            "summary": matches[0]["summary"],
        }
    ]
    explained = client.get(f"/api/v1/policies/{world['policy'].pk}/explain", {"uscc": uscc}).json()
    assert explained["eligible"] is False and "2,350 m²" in explained["summary"]
    user = EnterpriseUserFactory(enterprise=world["warehouse"].enterprise)
    client.force_login(user)
    own = client.get(
        f"/api/v1/policies/{world['policy'].pk}/explain", {"uscc": user.enterprise.uscc}
    ).json()
    assert own["eligible"] is True
    assert (
        client.get(f"/api/v1/policies/{world['policy'].pk}/explain", {"uscc": uscc}).status_code
        == 404
    )


def test_api_fee_calculation_is_exact_and_refuses_bad_input(client, relocation_fee):
    ok = client.post(
        "/api/v1/policies/fees/calculate",
        json.dumps(
            {"region_code": "410102", "building_use": "logistics", "total_floor_area": "1999.99"}
        ),
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["payable_yuan"] == "0.00"
    bad = client.post(
        "/api/v1/policies/fees/calculate",
        json.dumps(
            {"region_code": "410102", "building_use": "logistics", "total_floor_area": "1999.999"}
        ),
        content_type="application/json",
    )
    assert bad.status_code == 422 and "最多保留两位小数" in bad.json()["message"]


def test_runs_page_syncs_platform_enterprises_and_runs_matching(client, admin_a, world):
    from tests.factories import EnterpriseFactory
    from tongban.policies.models import EnterpriseProfile, MatchRun

    newcomer = EnterpriseFactory(division_code="410105")
    client.force_login(admin_a)
    client.post(reverse("policies:runs"), {"kind": "sync"})
    assert EnterpriseProfile.objects.get(enterprise=newcomer).region_code == "410105"
    response = client.post(reverse("policies:runs"), {"kind": "profiles", "push": "1"})
    assert response.status_code == 302
    page = client.get(reverse("policies:runs")).content.decode()
    assert "画像变更增量匹配" in page and MatchRun.objects.count() == 2


def test_my_policies_is_offered_to_enterprises_and_not_to_citizens(client, enterprise_user, citizen):
    # Policies match an enterprise's profile; a citizen has none and would only meet a refusal.
    link = f'href="{reverse("policies:mine")}"'
    client.force_login(enterprise_user)
    assert link in client.get("/").content.decode()
    assert client.get(reverse("policies:mine")).status_code == 200
    client.force_login(citizen)
    home = client.get("/").content.decode()
    assert link not in home and "我的诉求" in home  # the citizen's other personal links remain
