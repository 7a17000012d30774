"""A newcomer logs in as demo roles and sees a coherent Chinese UI."""

import pytest
from django.core.management import call_command

from .conftest import login

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(transactional_db):
    call_command("demo", "--quiet")


def no_horizontal_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_staff_roles_land_in_their_workspace_with_their_menu(page, demo):
    login(page, "admin")
    assert page.locator("h1").first.inner_text() == "我的待办"
    nav = page.locator("#ws-nav").inner_text()
    assert "人员管理" in nav and "审计日志" in nav
    page.click("text=人员管理")
    assert page.locator("table").inner_text().count("zz_clerk") == 1
    assert no_horizontal_overflow(page)
    page.click("text=退出")

    login(page, "zz_clerk")
    assert page.locator("h1").first.inner_text() == "我的待办"
    assert "人员管理" not in page.locator("#ws-nav").inner_text()
    # The clerk cannot reach administration by typing the address either.
    page.goto(page.base_url + "/accounts/staff/users/")
    assert "无权访问" in page.content()


def test_applicant_lands_on_the_portal_and_can_switch_to_english(page, demo):
    login(page, "citizen_zhang")
    assert "张明" in page.locator("header").inner_text()
    with page.expect_navigation():
        page.select_option("#lang-select", "en")
    assert page.locator("html").get_attribute("lang") == "en"


def test_pages_fit_a_phone_screen(page, demo):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(page.base_url + "/")
    assert no_horizontal_overflow(page)
    login(page, "zz_supervisor")
    assert no_horizontal_overflow(page)
    # The staff menu collapses behind a button on small screens.
    page.click("button[aria-controls=ws-nav]")
    page.locator("#ws-nav").get_by_text("我的待办").wait_for(state="visible")
