"""Appeals configuration services take plain values, not forms: a script or the API can set
routing rules and limits, and bad values are refused with a Chinese message, changing nothing."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tongban.appeals import config
from tongban.appeals.models import HandlingLimit, RoutingRule
from tongban.appeals.routing import limit_days

pytestmark = pytest.mark.django_db


def test_a_rule_is_created_and_changed_from_plain_values(admin_p, city_a, categories):
    rule = config.rule_save(actor=admin_p, name="人防工程质量", organisation=city_a, priority=80,
                            kinds="complaint,help", keywords="渗水,裂缝", category=categories["quality"])
    assert rule.kind_list() == ["complaint", "help"] and rule.keyword_list() == ["渗水", "裂缝"]
    config.rule_save(actor=admin_p, rule_id=rule.pk, name="人防工程质量投诉", organisation=city_a,
                     is_active=False)
    rule.refresh_from_db()
    assert (rule.name, rule.is_active, rule.kinds, rule.category) == ("人防工程质量投诉", False, "", None)
    assert RoutingRule.objects.count() == 1


@pytest.mark.parametrize("bad, message", [
    ({"name": " "}, "请填写规则名称"),
    ({"division_prefix": "41ab"}, "区划代码前缀应为数字"),
    ({"kinds": "complaint,gossip"}, "不认识的诉求类型：gossip"),
])
def test_bad_rule_values_are_refused_and_nothing_is_saved(bad, message, admin_p, city_a):
    with pytest.raises(ValidationError, match=message):
        config.rule_save(actor=admin_p, organisation=city_a, **{"name": "规则", **bad})
    assert not RoutingRule.objects.exists()


def test_limits_are_saved_from_plain_values_and_checked(admin_p, clerk_a):
    config.limits_save(actor=admin_p, limits={"complaint": (7, 3), "consultation": (4, 2)})
    assert limit_days("complaint") == 7 and limit_days("complaint", reopen=True) == 3
    assert limit_days("consultation") == 4
    with pytest.raises(ValidationError, match="1 至 60 个工作日"):
        config.limits_save(actor=admin_p, limits={"complaint": (9, 3), "suggestion": (0, 3)})
    with pytest.raises(PermissionDenied):
        config.limits_save(actor=clerk_a, limits={"complaint": (9, 3)})
    assert HandlingLimit.objects.get(kind="complaint").days == 7  # the refused calls changed nothing
