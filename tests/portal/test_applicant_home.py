"""The portal home of a logged-in enterprise or citizen shows what is theirs, in sections that the
modules register (core.applicant_home); an anonymous visitor sees the public portal."""

from __future__ import annotations

import pytest
from django.test import Client

from tongban.accounts.models import User
from tongban.cases.models import Case
from tongban.licences.selectors import my_licences

from ..factories import demo_loaded


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker, tmp_path_factory):
    with demo_loaded(django_db_blocker, tmp_path_factory, "home-attachments"):
        yield


@pytest.fixture
def _attachments_in_tmp():
    """The demo's uploads live in the module's directory."""


def _home(username: str | None) -> str:
    client = Client()
    if username:
        client.force_login(User.objects.get(username=username))
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_demo_enterprise_sees_its_supplement_its_licences_and_a_rating_to_give(demo_data):
    page = _home("ent_zzcj")
    user = User.objects.get(username="ent_zzcj")
    supplement = Case.objects.get(applicant=user, status="supplement")
    assert "需要您办理的办件" in page
    assert f'href="/cases/mine/{supplement.pk}/"' in page and "待补正：请按一次性告知补正材料" in page
    licences = my_licences(user)
    assert licences.exists()
    assert "我的电子证照" in page
    for licence in licences[:5]:
        assert licence.number in page
    delivered = Case.objects.get(applicant=user, status="delivered")
    assert "待评价" in page and f'href="/reviews/rate/case/{delivered.pk}/"' in page
    assert "为您匹配的政策" in page  # an enterprise has a profile to match
    assert "登录办事" not in page


@pytest.mark.django_db
def test_citizen_sees_no_policy_section(demo_data):
    page = _home("citizen_zhang")
    assert "张明，您好" in page
    assert "需要您办理的办件" in page and "我的电子证照" in page
    assert "为您匹配的政策" not in page


@pytest.mark.django_db
def test_anonymous_visitor_sees_the_public_portal(demo_data):
    page = _home(None)
    assert "登录办事" in page and "服务机构" in page
    assert "需要您办理的办件" not in page and "您好" not in page


@pytest.mark.django_db
def test_staff_home_has_no_applicant_sections(demo_data):
    page = _home("zz_clerk")
    assert "进入工作台" in page and "需要您办理的办件" not in page
