"""Appeals test data: categories, routing rules and appeals filed through the real service."""

from __future__ import annotations

import factory

from tongban.appeals.models import Category, RoutingRule


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"cat-{n}")
    name = factory.Sequence(lambda n: f"分类{n}")
    default_kind = "consultation"


class RoutingRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoutingRule

    name = factory.Sequence(lambda n: f"规则{n}")
    priority = 100


def make_categories() -> dict[str, Category]:
    return {
        "fee": CategoryFactory(code="rf-fee", name="易地建设费", default_kind="consultation"),
        "quality": CategoryFactory(code="rf-quality", name="人防工程质量", default_kind="complaint"),
    }


def route_to(organisation, **fields) -> RoutingRule:
    """A rule sending appeals (all of them, unless keywords or a category narrow it) to `organisation`."""
    return RoutingRuleFactory(organisation=organisation, **fields)


def file_appeal(actor, *, channel="web", ip="127.0.0.9", **data):
    """File an appeal as `actor` (None: anonymous, who must leave a phone)."""
    from tongban.appeals.services import appeal_submit

    payload = {"kind": "consultation", "title": "易地建设费减免", "content": "民办幼儿园的易地建设费能否减免？", **data}
    return appeal_submit(actor=actor, data=payload, channel=channel, client_ip=ip)
