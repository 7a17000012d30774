"""Shared personas. Two cities under one province, so scope can be tested everywhere:

province ─┬─ city_a ── dept_a (clerk_a, reviewer_a, admin_a)
          └─ city_b ── (clerk_b, admin_b)
"""

from __future__ import annotations

import pytest

from tongban.accounts.models import Organisation, Role

from .factories import (
    ApplicantFactory,
    EnterpriseUserFactory,
    OrganisationFactory,
    StaffFactory,
)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Cached fragments and rate-limit counters must not leak from one test into the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _attachments_in_tmp(settings, tmp_path):
    """Uploads made by tests go to a temporary directory, not the checkout's var/."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "attachments"), "base_url": None},
        },
    }


@pytest.fixture(autouse=True)
def _fresh_calendar():
    """The working-day calendar is cached per process; a test that edits it must not leak."""
    from tongban.core.calendar_store import invalidate

    invalidate()
    yield
    invalidate()


@pytest.fixture
def pin_today(settings):
    """Pin the platform's today (every statutory clock counts from it)."""

    def pin(day):
        settings.TONGBAN_TODAY = day

    return pin


@pytest.fixture
def clerk(city_a):
    return StaffFactory(username="c_clerk", organisation=city_a, roles=[Role.CLERK])


@pytest.fixture
def reviewer(city_a):
    return StaffFactory(username="c_reviewer", organisation=city_a, roles=[Role.REVIEWER])


@pytest.fixture
def approver(city_a):
    return StaffFactory(username="c_approver", organisation=city_a, roles=[Role.APPROVER])


@pytest.fixture
def province(db):
    return OrganisationFactory(
        name="测试省人防办", level=Organisation.Level.PROVINCE, division_code="410000"
    )


@pytest.fixture
def city_a(province):
    return OrganisationFactory(name="甲市人防办", parent=province, division_code="410100")


@pytest.fixture
def city_b(province):
    return OrganisationFactory(name="乙市人防办", parent=province, division_code="410300")


@pytest.fixture
def dept_a(city_a):
    return OrganisationFactory(
        name="甲市审批办", parent=city_a, kind=Organisation.Kind.DEPARTMENT, division_code="410100"
    )


@pytest.fixture
def admin_p(province):
    return StaffFactory(username="admin_p", organisation=province, roles=[Role.ADMIN])


@pytest.fixture
def admin_a(city_a):
    return StaffFactory(username="admin_a", organisation=city_a, roles=[Role.ADMIN])


@pytest.fixture
def admin_b(city_b):
    return StaffFactory(username="admin_b", organisation=city_b, roles=[Role.ADMIN])


@pytest.fixture
def clerk_a(dept_a):
    return StaffFactory(username="clerk_a", organisation=dept_a, roles=[Role.CLERK])


@pytest.fixture
def clerk_b(city_b):
    return StaffFactory(username="clerk_b", organisation=city_b, roles=[Role.CLERK])


@pytest.fixture
def supervisor_a(city_a):
    return StaffFactory(username="supervisor_a", organisation=city_a, roles=[Role.SUPERVISOR])


@pytest.fixture
def citizen(db):
    return ApplicantFactory(username="citizen1", real_name="张明")


@pytest.fixture
def enterprise_user(db):
    return EnterpriseUserFactory(username="ent1")
