"""Staff who read but do not edit the knowledge base, and who is shown the way to file."""

import pytest

from tongban.accounts.models import Role
from tongban.appeals import kb_services

from ..factories import StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer_a(dept_a):
    return StaffFactory(username="kb_reviewer_a", organisation=dept_a, roles=[Role.REVIEWER])


def _draft(actor, question, answer="答复正文"):
    return kb_services.article_save(actor=actor, data={"question": question, "answer": answer,
                                                       "organisation_id": actor.organisation_id})


def test_a_reviewer_opens_a_listed_article_and_reads_it(client, admin_a, reviewer_a):
    article = _draft(admin_a, "人防工程能否出租", "可以依法出租，收益用于维护管理。")
    client.force_login(reviewer_a)
    listing = client.get("/appeals/knowledge/").content.decode()
    assert f'href="/appeals/knowledge/{article.pk}/read/"' in listing
    assert f'href="/appeals/knowledge/{article.pk}/"' not in listing  # the editor they may not use
    page = client.get(f"/appeals/knowledge/{article.pk}/read/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "可以依法出租，收益用于维护管理。" in text and "草稿" in text
    assert "保存" not in text  # nothing to edit
    assert client.get(f"/appeals/knowledge/{article.pk}/").status_code == 403


def test_an_editor_still_opens_articles_in_the_editor(client, admin_a):
    article = _draft(admin_a, "人防工程能否出租")
    client.force_login(admin_a)
    assert f'href="/appeals/knowledge/{article.pk}/"' in client.get("/appeals/knowledge/").content.decode()


def test_reading_an_article_of_another_agency_is_not_found(client, admin_b, reviewer_a):
    other = _draft(admin_b, "乙市的草稿")
    client.force_login(reviewer_a)
    assert client.get(f"/appeals/knowledge/{other.pk}/read/").status_code == 404


def test_staff_search_finds_only_drafts_of_their_scope(client, admin_a, admin_b, reviewer_a):
    mine = _draft(admin_a, "防空地下室易地建设费减免")
    other = _draft(admin_b, "防空地下室易地建设费标准")
    client.force_login(reviewer_a)
    page = client.get("/appeals/knowledge/", {"q": "易地建设费"}).content.decode()
    assert f"/appeals/knowledge/{mine.pk}/read/" in page
    assert f"/appeals/knowledge/{other.pk}/" not in page and "标准" not in page


def test_the_way_to_file_is_shown_only_to_those_who_may_file(client, citizen, clerk_a, reviewer_a, admin_a):
    link = 'href="/appeals/new/"'
    assert link in client.get("/").content.decode()  # anonymous
    client.force_login(citizen)
    assert link in client.get("/").content.decode()
    client.force_login(clerk_a)  # registers walk-ins and calls
    assert link in client.get("/").content.decode()
    assert client.get("/appeals/new/", follow=True).status_code == 200

    client.force_login(reviewer_a)
    assert link not in client.get("/").content.decode()
    article = _draft(admin_a, "窗口服务时间")
    kb_services.article_set_state(actor=admin_a, article_id=article.pk, state="published")
    public = client.get(f"/appeals/kb/{article.pk}/").content.decode()
    assert "窗口服务时间" in public and "/appeals/new/" not in public
    client.logout()
    assert "/appeals/new/?kind=consultation" in client.get(f"/appeals/kb/{article.pk}/").content.decode()
