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
