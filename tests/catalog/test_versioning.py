"""A published version never changes; edits go to a new draft; a filed case keeps its version."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tongban.catalog import selectors, services
from tongban.catalog.models import ItemVersion
from tongban.core.errors import Conflict
from tongban.core.models import AuditEvent

from .factories import elements, make_item, material, stage

pytestmark = pytest.mark.django_db


def test_a_published_version_cannot_be_edited(admin_a, city_a):
    item = make_item(city_a, actor=admin_a)
    published = item.current_version
    with pytest.raises(Conflict) as exc:
        services.draft_save(actor=admin_a, version=published, elements={"promised_limit_days": 3})
    assert "已发布的版本不能修改" in exc.value.message
    published.refresh_from_db()
    assert published.promised_limit_days == 10
    assert published.status == ItemVersion.Status.PUBLISHED


def test_revising_creates_a_draft_and_the_public_keeps_the_published_version(admin_a, city_a):
    item = make_item(city_a, actor=admin_a)
    v1 = item.current_version
    draft = services.draft_start(actor=admin_a, item=item)
    assert draft.number == 2 and draft.is_draft
    assert [m.name for m in draft.materials.all()] == [m.name for m in v1.materials.all()]
    assert draft.materials.first().template.name == v1.materials.first().template.name

    services.draft_save(
        actor=admin_a,
        version=draft,
        elements={"promised_limit_days": 5, "change_note": "压缩时限"},
        stages=[stage("审查", 3), stage("决定", 2)],
    )
    item.refresh_from_db()
    assert selectors.get_published_version(item) == v1
    assert selectors.get_published_version(item).promised_limit_days == 10

    services.item_publish(version=draft, actor=admin_a)
    item.refresh_from_db()
    v1.refresh_from_db()
    assert selectors.get_published_version(item).pk == draft.pk
    assert item.current_version.promised_limit_days == 5
    # The version a case was filed under is unchanged and still readable.
    assert v1.status == ItemVersion.Status.SUPERSEDED
    assert v1.promised_limit_days == 10
    assert [s.limit_days for s in v1.stages.all()] == [6, 3]
    assert selectors.guide_version(item.implementation_code, 1).pk == v1.pk


def test_starting_a_draft_twice_returns_the_same_draft(admin_a, city_a):
    item = make_item(city_a, actor=admin_a)
    first = services.draft_start(actor=admin_a, item=item)
    again = services.draft_start(actor=admin_a, item=item)
    assert first.pk == again.pk
    assert item.versions.count() == 2


def test_the_database_refuses_a_second_draft(admin_a, city_a):
    item = make_item(city_a, actor=admin_a)
    services.draft_start(actor=admin_a, item=item)
    with pytest.raises(IntegrityError), transaction.atomic():
        ItemVersion.objects.create(item=item, number=9, **elements())


def test_publishing_is_audited_with_the_version_numbers(admin_a, city_a):
    item = make_item(city_a, actor=admin_a)
    draft = services.draft_start(actor=admin_a, item=item)
    services.item_publish(version=draft, actor=admin_a)
    events = AuditEvent.objects.filter(action="catalog.item_publish", object_id=str(item.pk))
    assert [e.changes["version"] for e in events.order_by("seq")] == [[None, 1], [1, 2]]
    assert events.last().actor_repr == "admin_a"


def test_a_published_version_cannot_be_published_again(admin_a, city_a):
    item = make_item(city_a, actor=admin_a)
    with pytest.raises(Conflict):
        services.item_publish(version=item.current_version, actor=admin_a)


def test_a_draft_without_materials_cannot_be_published(admin_a, city_a):
    item = make_item(city_a, actor=admin_a, publish=False, materials=[])
    with pytest.raises(ValidationError) as exc:
        services.item_publish(version=item.versions.get(), actor=admin_a)
    assert "至少要列出一项申请材料" in str(exc.value)
    item.refresh_from_db()
    assert item.current_version is None


def test_discarding_the_draft_keeps_the_published_version(admin_a, city_a):
    item = make_item(city_a, actor=admin_a)
    draft = services.draft_start(actor=admin_a, item=item)
    services.draft_discard(actor=admin_a, version=draft)
    assert list(item.versions.values_list("number", flat=True)) == [1]
    item.refresh_from_db()
    assert item.current_version.number == 1


def test_a_withdrawn_item_is_no_longer_offered(admin_a, city_a):
    item = make_item(city_a, actor=admin_a)
    services.item_set_active(actor=admin_a, item=item, active=False)
    item.refresh_from_db()
    assert selectors.get_published_version(item) is None
    assert item not in selectors.published_items()


def test_editing_materials_in_a_draft_leaves_the_published_list_alone(admin_a, city_a):
    item = make_item(city_a, actor=admin_a)
    draft = services.draft_start(actor=admin_a, item=item)
    services.draft_save(
        actor=admin_a, version=draft, elements={}, materials=[material("新的申请书")]
    )
    assert [m.name for m in item.current_version.materials.all()] == [
        "竣工验收备案表",
        "竣工验收报告",
        "委托书",
    ]
    assert [m.name for m in draft.materials.all()] == ["新的申请书"]
