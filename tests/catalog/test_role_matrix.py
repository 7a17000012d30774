"""Who may write the catalog: every operation on items, drafts and bundles against every kind of
actor, in scope and out of it. A refusal raises PermissionDenied or Http404 (ValidationError
only when the actor picks an organisation outside their scope for something new) and changes
nothing."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from tongban.accounts.models import Role
from tongban.catalog import services as s
from tongban.catalog.models import Bundle, BundleItem, ItemVersion, ServiceItem

from ..factories import StaffFactory
from .factories import elements, make_item, material, stage

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "applicant", "other_applicant", "clerk", "admin", "province_admin", "outsider"]


@pytest.fixture
def people(city_a, city_b, enterprise_user, citizen, admin_a, admin_p):
    return {
        "anonymous": AnonymousUser(),
        "applicant": enterprise_user,
        "other_applicant": citizen,
        "clerk": StaffFactory(username="m_clerk", organisation=city_a, roles=[Role.CLERK]),  # reads only
        "admin": admin_a,
        "province_admin": admin_p,  # city_a lies in the province's subtree
        "outsider": StaffFactory(username="m_outsider", organisation=city_b, roles=list(Role.values)),
    }


@pytest.fixture
def world(city_a):
    """Two published items at city_a, the first with a draft of its next version, and a bundle."""
    # One plain material each: templates (Word files) would only slow the matrix down.
    first, second = (make_item(city_a, materials=[material()]) for _ in range(2))
    draft = s.draft_start(actor=None, item=first)
    bundle = s.bundle_create(actor=None, organisation=city_a, code="YJS-M-01", name="一件事", items=[first, second],
                             promised_limit_days=10)
    return {"org": city_a, "item": first, "second": second, "draft": draft, "bundle": bundle}


def _create(a, w):
    return s.item_create(actor=a, organisation=w["org"], base_code="M-NEW", implementation_code="M-NEW-1",
                         elements=elements(), materials=[material()], stages=[stage()])


OPERATIONS = {
    # operation: (call(actor, world), what the outsider gets)
    "item_create": (_create, ValidationError),
    "draft_start": (lambda a, w: s.draft_start(actor=a, item=w["second"]), Http404),
    "draft_save": (lambda a, w: s.draft_save(actor=a, version=w["draft"], elements={"name": "改过的名称"}), Http404),
    "draft_discard": (lambda a, w: s.draft_discard(actor=a, version=w["draft"]), Http404),
    "item_publish": (lambda a, w: s.item_publish(actor=a, version=w["draft"]), Http404),
    "item_withdraw": (lambda a, w: s.item_set_active(actor=a, item=w["item"], active=False), Http404),
    "item_set_standard": (lambda a, w: s.item_set_standard(actor=a, item=w["item"], standard=True), Http404),
    "bundle_create": (lambda a, w: s.bundle_create(actor=a, organisation=w["org"], code="YJS-M-02", name="新一件事",
                                                   items=[w["item"], w["second"]], promised_limit_days=8),
                      ValidationError),
    "bundle_update": (lambda a, w: s.bundle_update(actor=a, bundle=w["bundle"], name="改过的一件事",
                                                   items=[w["second"], w["item"]], promised_limit_days=8), Http404),
}
ALLOWED = {"admin", "province_admin"}


def _state():
    return (
        list(ServiceItem.objects.order_by("pk").values_list("implementation_code", "is_active", "is_standard",
                                                             "current_version")),
        list(ItemVersion.objects.order_by("pk").values_list("pk", "status", "name")),
        list(Bundle.objects.order_by("pk").values_list("code", "name")),
        list(BundleItem.objects.order_by("bundle", "order").values_list("item", flat=True)),
    )


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(operation, role, people, world):
    call, outsider_gets = OPERATIONS[operation]
    before = _state()
    if role in ALLOWED:
        call(people[role], world)
        assert _state() != before
        return
    with pytest.raises(outsider_gets if role == "outsider" else PermissionDenied):
        call(people[role], world)
    assert _state() == before
