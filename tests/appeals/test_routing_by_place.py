"""Complaints reach the office that can act: the requester picks the place by name (province →
city → county), the appeal goes to the lowest office of that place with handlers, the routing
rule's department is found at that level, and the requester's timeline says where it went."""

import pytest
from django.utils import timezone

from tongban.accounts.models import Organisation, Role
from tongban.appeals import services
from tongban.appeals.models import Appeal, RoutingRule, Step

from ..factories import OrganisationFactory, StaffFactory

pytestmark = pytest.mark.django_db

JINSHUI = {"division_province": "410000", "division_city": "410100", "division_county": "410105"}
QUALITY_TEXT = "小区地下车库的防空地下室雨后多处渗漏，物业两个月没有处理。"


@pytest.fixture
def jinshui(city_a):
    return OrganisationFactory(name="金水区人防办", parent=city_a, level=Organisation.Level.COUNTY,
                               division_code="410105")


@pytest.fixture
def quality_station(city_a):
    return OrganisationFactory(name="人防工程质量监督站", parent=city_a, kind=Organisation.Kind.UNIT,
                               division_code="410100")


@pytest.fixture
def quality_rule(categories, quality_station):
    """The category is handled by each level's quality station (or the office itself)."""
    return RoutingRule.objects.create(name="工程质量", priority=140, keywords="质量,竣工验收",
                                      category=categories["quality"], organisation=quality_station)


@pytest.fixture
def jinshui_clerk(jinshui):
    return StaffFactory(username="js_clerk", real_name="钱窗口", organisation=jinshui, roles=[Role.CLERK])


def complain(client, **fields):
    form = {"kind": "complaint", "category": "rf-quality", "content": QUALITY_TEXT, "phone": "13900003333",
            **JINSHUI, **fields}
    return client.post("/appeals/new/", form)


def test_the_division_table_holds_every_province_and_all_of_henan():
    from tongban.appeals import divisions

    assert len(divisions.children("")) == 34
    henan = divisions.children("410000")
    assert len(henan) == 18 and {"郑州市", "洛阳市", "济源市"} <= {d.name for d in henan}
    assert sum(len(divisions.children(d.code)) for d in henan) >= 150
    assert divisions.full_name("410105") == "河南省郑州市金水区"
    assert divisions.full_name("419001") == "河南省济源市"  # a county-level city no city governs
    assert divisions.full_name("110101") == "北京市东城区"
    table = divisions._table()[0]
    assert all(d.parent_code == "" or d.parent_code in table for d in table.values())


def test_the_place_picker_answers_the_children_of_the_chosen_division(client, province):
    provinces = client.get("/appeals/places/").content.decode()
    assert "河南省" in provinces and "北京市" in provinces and "郑州市" not in provinces
    henan = client.get("/appeals/places/", {"division_province": "410000"}).content.decode()
    assert "郑州市" in henan and "洛阳市" in henan and "济源市" in henan and "金水区" not in henan
    zhengzhou = client.get("/appeals/places/", {"division_province": "410000", "division_city": "410100"})
    page = zhengzhou.content.decode()
    assert zhengzhou.status_code == 200 and "金水区" in page and "中原区" in page and "洛龙区" not in page
    # After the province changes, the city chosen under the old one is dropped with its counties.
    moved = client.get("/appeals/places/", {"division_province": "110000", "division_city": "410100"}).content.decode()
    assert "东城区" in moved and "金水区" not in moved and 'value="410100" selected' not in moved

    api = client.get("/api/v1/appeals/divisions", {"parent": "410100"})
    assert api.status_code == 200
    assert {"code": "410105", "name": "金水区", "level": "county", "has_children": False} in api.json()
    assert {"code": "410100", "name": "郑州市", "level": "city", "has_children": True} in client.get(
        "/api/v1/appeals/divisions", {"parent": "410000"}).json()
    unknown = client.get("/api/v1/appeals/divisions", {"parent": "410199"})
    assert unknown.status_code == 404 and "行政区划不存在" in unknown.json()["message"]


def test_the_form_picks_the_place_by_name_not_by_code(client, province):
    page = client.get("/appeals/new/").content.decode()
    assert 'name="division_province"' in page and "河南省" in page
    assert "区划代码" not in page and 'name="division_code"' not in page


def test_a_complaint_about_jinshui_lands_at_the_jinshui_office(client, quality_rule, jinshui, jinshui_clerk,
                                                               clerk_a, committed):
    with committed():
        response = complain(client)
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert appeal.organisation == jinshui  # no quality station there: the office itself
    assert (appeal.division_code, appeal.division_name) == ("410105", "河南省郑州市金水区")
    assert jinshui_clerk.notifications.filter(title__contains="待受理").exists()
    assert not clerk_a.notifications.exists()
    # The county's clerk can act on it.
    services.appeal_accept(actor=jinshui_clerk, appeal_id=appeal.pk)
    client.force_login(jinshui_clerk)
    assert "河南省郑州市金水区" in client.get(f"/appeals/{appeal.pk}/").content.decode()


def test_the_rules_department_is_found_at_the_chosen_level(client, quality_rule, city_b, clerk_b):
    """A rule naming the city's quality station sends a 洛阳 complaint to 洛阳's station."""
    twin = OrganisationFactory(name="人防工程质量监督站", parent=city_b, kind=Organisation.Kind.UNIT,
                               division_code="410300")
    response = complain(client, division_city="410300", division_county="410311", category="",
                        content="洛龙区某小区防空地下室竣工验收后出现质量问题。")
    assert response.status_code == 302
    assert Appeal.objects.get().organisation == twin


def test_with_no_handlers_at_the_county_it_lands_at_the_city_else_the_province(client, quality_rule, jinshui,
                                                                               quality_station, clerk_a, province):
    StaffFactory(username="js_supervisor", organisation=jinshui, roles=[Role.SUPERVISOR])  # cannot handle
    assert complain(client).status_code == 302
    first = Appeal.objects.get()
    assert first.organisation == quality_station and first.division_name == "河南省郑州市金水区"

    clerk_a.is_active = False
    clerk_a.save(update_fields=["is_active"])
    StaffFactory(username="p_clerk", organisation=province, roles=[Role.CLERK])
    assert complain(client, phone="13900004444", content="另一处防空地下室渗漏，墙面开裂。").status_code == 302
    assert Appeal.objects.exclude(pk=first.pk).get().organisation == province


@pytest.mark.parametrize(
    ("place", "message"),
    [
        ({"division_county": "410199"}, "（代码 410199）不存在，请从列表中选择所在地"),  # no such county
        ({"division_city": "410300"}, "河南省郑州市金水区 不在 河南省洛阳市 之内"),
        ({"division_province": "110000"}, "河南省郑州市金水区 不在 北京市 之内"),
        ({"division_county": "41010X"}, "6 位数字"),
    ],
)
def test_an_unknown_or_mismatched_place_is_refused_and_creates_nothing(client, quality_rule, jinshui_clerk,
                                                                       place, message):
    response = complain(client, **place)
    page = response.content.decode()
    assert response.status_code == 400 and message in page and "提交未成功" in page
    assert not Appeal.objects.exists() and not Step.objects.exists()


def test_the_api_refuses_an_unknown_division_code_and_creates_nothing(client, quality_rule):
    response = client.post("/api/v1/appeals/", {"kind": "complaint", "content": QUALITY_TEXT, "phone": "13900003333",
                                                "division_code": "410199"}, content_type="application/json")
    assert response.status_code == 422 and "行政区划（代码 410199）不存在" in response.json()["message"]
    assert not Appeal.objects.exists()


def test_without_javascript_the_form_lists_the_counties_and_files_nothing(client, quality_rule):
    response = client.post("/appeals/new/", {"kind": "complaint", "content": QUALITY_TEXT, "phone": "13900003333",
                                             "division_province": "410000", "division_city": "410100",
                                             "refresh_place": "1"})
    page = response.content.decode()
    assert response.status_code == 200 and "金水区" in page and QUALITY_TEXT in page
    assert not Appeal.objects.exists()


def _stamp(step: Step) -> str:
    return timezone.localtime(step.at).strftime("%Y-%m-%d %H:%M")


def test_the_timeline_says_where_the_appeal_went_and_when(client, citizen, quality_rule, jinshui, jinshui_clerk,
                                                          city_b, clerk_b):
    client.force_login(citizen)
    assert complain(client).status_code == 302
    appeal = Appeal.objects.get()
    submitted = appeal.steps.get(action="submit")
    line = f"已分派至 金水区人防办 · {_stamp(submitted)}"
    assert line in client.get(f"/appeals/mine/{appeal.pk}/").content.decode()
    client.logout()
    track = client.get("/appeals/track/", {"number": appeal.number, "code": appeal.query_code}).content.decode()
    assert line in track and "河南省郑州市金水区" in track

    services.appeal_transfer(actor=jinshui_clerk, appeal_id=appeal.pk, to_organisation_id=city_b.pk,
                             reason="属乙市管辖")
    services.appeal_accept_transfer(actor=clerk_b, appeal_id=appeal.pk)
    taken = appeal.steps.get(action="accept_transfer")
    track = client.get("/appeals/track/", {"number": appeal.number, "code": appeal.query_code}).content.decode()
    assert f"转由 乙市人防办 办理 · {_stamp(taken)}" in track and line in track


def test_a_window_registration_picks_the_place_the_same_way(client, quality_rule, clerk_a, jinshui, jinshui_clerk):
    client.force_login(clerk_a)
    assert 'name="division_county"' in client.get("/appeals/register/").content.decode()
    response = client.post("/appeals/register/", {"channel": "window", "kind": "complaint", "content": QUALITY_TEXT,
                                                  "phone": "13900003333", **JINSHUI})
    assert response.status_code == 302
    assert Appeal.objects.get().organisation == jinshui  # registered in the city, handled in the county
