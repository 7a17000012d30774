"""Error pages are Chinese and keep the user inside the platform's shell."""

import pytest
from django.test import RequestFactory
from django.views.defaults import server_error

pytestmark = pytest.mark.django_db


def test_a_missing_page_gets_the_chinese_404_in_the_portal_for_anonymous(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "页面不存在" in page
    assert "portal-header" in page and 'href="/accounts/login/"' in page  # the portal shell


def test_a_missing_page_gets_the_chinese_404_in_the_portal_for_an_applicant(client, citizen):
    client.force_login(citizen)
    page = client.get("/no-such-page/").content.decode()
    assert "页面不存在" in page and "portal-header" in page and "张明" in page


def test_a_missing_page_gets_the_chinese_404_in_the_workspace_for_staff(client, clerk_a):
    client.force_login(clerk_a)
    response = client.get("/cases/999999/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "页面不存在" in page
    assert 'id="ws-nav"' in page and "我的待办" in page  # the workspace shell with its menu


def test_a_forbidden_page_gets_the_chinese_403_in_the_shell(client, clerk_a, citizen):
    client.force_login(clerk_a)
    response = client.get("/workspace/audit/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "无权访问" in page and "您没有执行此操作的权限。" in page and 'id="ws-nav"' in page

    client.force_login(citizen)
    response = client.get("/workspace/audit/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "无权访问" in page and "portal-header" in page


def test_the_500_page_is_chinese_and_renders_without_the_database(django_assert_num_queries):
    request = RequestFactory().get("/")
    with django_assert_num_queries(0):
        response = server_error(request)
    assert response.status_code == 500
    page = response.content.decode()
    assert "系统繁忙，请稍后再试" in page and "brand-mark" in page
