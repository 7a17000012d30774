"""The consistency report lists every standard element a local implementation changed."""

import pytest

from tongban.catalog import selectors, services

from .factories import make_item, material, stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def standard(admin_p, province):
    return make_item(province, actor=admin_p, base_code="RF-BA-002", is_standard=True)


def _comparison(actor, item):
    for group in selectors.consistency_report(actor):
        for c in group.comparisons:
            if c.item.pk == item.pk:
                return group, c
    raise AssertionError("item not in report")


def test_an_identical_local_implementation_has_no_differences(standard, admin_a, city_a):
    local = make_item(city_a, actor=admin_a, base_code="RF-BA-002")
    group, c = _comparison(admin_a, local)
    assert group.standard == standard
    assert c.differences == []


def test_every_changed_element_is_listed(standard, admin_a, city_a):
    local = make_item(
        city_a,
        actor=admin_a,
        base_code="RF-BA-002",
        promised_limit_days=8,
        visits=1,
        materials=[
            material(),
            material("竣工验收报告", form="copy", copies=3),
            material("建设承诺书"),
        ],
        stages=[stage("审查", 5), stage("决定", 3)],
    )
    _group, c = _comparison(admin_a, local)
    found = {(d.element, d.standard, d.local) for d in c.differences}
    assert ("承诺办结时限（工作日）", "10", "8") in found
    assert ("到现场次数", "0", "1") in found
    assert ("申请材料“竣工验收报告”的份数", "2", "3") in found
    assert ("申请材料“委托书”", "要求提交", "未列出") in found
    assert ("申请材料“建设承诺书”", "未列出", "增加要求") in found
    assert any(d.element == "办理环节" for d in c.differences)
    assert len(c.differences) == 6


def test_only_published_versions_are_compared(standard, admin_a, city_a):
    local = make_item(city_a, actor=admin_a, base_code="RF-BA-002")
    draft = services.draft_start(actor=admin_a, item=local)
    services.draft_save(actor=admin_a, version=draft, elements={"name": "改过的名称"})
    _group, c = _comparison(admin_a, local)
    assert c.differences == []


def test_the_report_is_scoped_to_the_actors_subtree(standard, admin_a, admin_b, city_a, city_b):
    a = make_item(city_a, actor=admin_a, base_code="RF-BA-002", visits=2)
    b = make_item(city_b, actor=admin_b, base_code="RF-BA-002", visits=3)
    items_seen_by_a = {
        c.item.pk for g in selectors.consistency_report(admin_a) for c in g.comparisons
    }
    assert a.pk in items_seen_by_a and b.pk not in items_seen_by_a


def test_the_report_page_shows_the_differences(client, standard, admin_a, city_a):
    make_item(city_a, actor=admin_a, base_code="RF-BA-002", promised_limit_days=9)
    client.force_login(admin_a)
    page = client.get("/catalog/consistency/").content.decode()
    assert "承诺办结时限（工作日）" in page
    assert "1 个实施事项与标准不一致" in page


# --- a guide that contradicts itself -------------------------------------------------------


def _contradictions(actor, item) -> list[tuple[str, str]]:
    _group, c = _comparison(actor, item)
    return [(x.element, x.message) for x in c.contradictions]


def test_a_paper_original_on_a_fully_online_zero_trip_item_is_a_contradiction(
    standard, admin_a, city_a
):
    local = make_item(
        city_a,
        actor=admin_a,
        base_code="RF-BA-002",
        online_depth=4,
        visits=0,
        materials=[
            material("竣工验收备案表", form="original"),
            material("产权证明", form="original_and_copy"),
            material("竣工验收报告", form="electronic"),
            material("竣工图", form="copy"),
        ],
    )
    found = _contradictions(admin_a, local)
    assert [element for element, _ in found] == ["申请材料“竣工验收备案表”", "申请材料“产权证明”"]
    assert found[0][1].startswith("要求提交原件，与办事指南承诺的“全程网办、零跑腿”相矛盾")
    assert "要求提交原件和复印件" in found[1][1]


@pytest.mark.parametrize(
    ("online_depth", "visits", "promise"),
    [(4, 1, "“全程网办”"), (3, 0, "“零跑腿”"), (3, 1, None)],
)
def test_either_promise_alone_makes_an_original_a_contradiction(
    standard, admin_a, city_a, online_depth, visits, promise
):
    local = make_item(
        city_a,
        actor=admin_a,
        base_code="RF-BA-002",
        online_depth=online_depth,
        visits=visits,
        materials=[material("竣工验收备案表", form="original")],
    )
    found = _contradictions(admin_a, local)
    if promise is None:
        assert found == []  # 网上预审 with one trip: the original is checked at the window
    else:
        assert len(found) == 1 and promise in found[0][1]


def test_the_standard_implementation_is_checked_too(admin_p, province):
    make_item(province, actor=admin_p, base_code="RF-XK-001", is_standard=True)
    group = next(g for g in selectors.consistency_report(admin_p) if g.base_code == "RF-XK-001")
    # the factory's 备案表 and 委托书 are originals, the 报告 a copy
    assert [x.element for x in group.standard_contradictions] == [
        "申请材料“竣工验收备案表”",
        "申请材料“委托书”",
    ]
    assert group.contradicting == 1


def test_a_source_for_omission_that_nothing_supplies_is_flagged_until_a_licence_type_does(
    standard, admin_a, city_a, province
):
    from tongban.licences.models import LicenceType

    local = make_item(
        city_a,
        actor=admin_a,
        base_code="RF-BA-002",
        visits=1,
        online_depth=3,
        materials=[material("建设工程规划许可证", form="electronic", provides_from="LIC-T-GHXK")],
    )
    ((element, message),) = _contradictions(admin_a, local)
    assert element == "申请材料“建设工程规划许可证”"
    assert "可免提交来源“LIC-T-GHXK”没有对应的在用电子证照类型或共享数据" in message
    LicenceType.objects.create(code="LIC-T-GHXK", name="建设工程规划许可证", organisation=province)
    assert _contradictions(admin_a, local) == []


def test_the_report_page_shows_the_contradictions(client, admin_a, city_a):
    make_item(
        city_a,
        actor=admin_a,
        base_code="RF-BA-009",
        materials=[material("竣工验收备案表", form="original")],
    )
    client.force_login(admin_a)
    page = client.get("/catalog/consistency/").content.decode()
    assert "1 个事项的办事指南自相矛盾" in page
    assert "1 处自相矛盾" in page
    assert "要求提交原件，与办事指南承诺的“全程网办、零跑腿”相矛盾" in page


def test_a_guide_that_keeps_its_promises_shows_no_contradiction(client, admin_a, city_a):
    make_item(
        city_a,
        actor=admin_a,
        base_code="RF-BA-009",
        materials=[material("竣工验收备案表", form="electronic")],
    )
    client.force_login(admin_a)
    page = client.get("/catalog/consistency/").content.decode()
    assert "自相矛盾" not in page
