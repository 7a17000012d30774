"""Knowledge-base search answers questions the way callers ask them (issue 15): a paraphrase, a
synonym, a misspelling or a question wrapped in extra words finds the right article first, on
the demo knowledge base; no word of the question is required."""

import pytest
from django.core.management import call_command

from tongban.appeals import kb_services, search, segment
from tongban.appeals.demo import ARTICLES
from tongban.appeals.models import Article

pytestmark = pytest.mark.django_db


@pytest.fixture
def kb(admin_a):
    """The demo knowledge base (18 articles), published, by question."""
    out = {}
    for question, answer, basis, _cat, _org, keywords in ARTICLES:
        article = kb_services.article_save(actor=admin_a, data={
            "question": question, "answer": answer, "legal_basis": basis, "keywords": keywords,
            "organisation_id": admin_a.organisation_id})
        kb_services.article_set_state(actor=admin_a, article_id=article.pk, state="published")
        out[question] = article
    return out


def _first(query: str) -> str:
    hits = search.search(query, limit=5)
    assert hits, query
    return hits[0].article.question


def test_a_paraphrase_finds_the_article_first(kb):
    # No word of 「新建小区要配建多少防空地下室」 but 防空地下室 is in the question of the article.
    assert _first("新建小区要配建多少防空地下室") == "哪些民用建筑应当修建防空地下室？"
    assert _first("项目不搞了，交的钱能退回来吗") == "易地建设费缴纳后项目取消，能否退费？"


def test_a_synonym_finds_the_article_first(kb):
    # 人防费 and 异地建设费 are what callers say for 易地建设费 (data/kb_synonyms.txt).
    assert _first("人防费一平米多少钱") == "防空地下室易地建设费的收费标准是多少？"
    assert _first("异地建设费能不能减免") == "哪些项目可以减免防空地下室易地建设费？"
    hit = search.search("人防费一平米多少钱")[0]
    assert "<mark>易地建设费</mark>" in hit.question_html  # the synonym searched is shown


def test_a_misspelt_word_finds_the_article_first(kb):
    # 易地建设废 (费), 检侧 (检测): the bigrams that are right still meet the article.
    assert _first("易地建设废的收费标准") == "防空地下室易地建设费的收费标准是多少？"
    assert _first("人防工程防护设备需要检侧吗") == "人防工程防护设备需要检测吗？"


def test_a_question_with_extra_words_finds_the_article_first(kb):
    # The search before issue 15 needed every word, so this found nothing at all.
    query = "你好，我是做房地产开发的，想咨询一下我们公司在郑州的项目，竣工验收备案要交哪些材料，有没有清单"
    assert _first(query) == "人防工程竣工验收备案需要哪些材料？"


def test_an_article_matching_most_words_ranks_above_one_matching_a_few(kb):
    ranked = [h.article.question for h in search.search("防空警报试鸣时间", limit=5)]
    assert ranked[0] == "防空警报试鸣是什么时间？"
    assert "小区楼顶警报器噪声扰民怎么反映？" in ranked  # 警报 only: found, after


def test_a_query_of_stopwords_or_unknown_words_finds_nothing(kb):
    assert search.search("请问怎么办") == []
    assert search.search("量子纠缠") == []


def test_the_synonym_file_is_one_way_for_colloquial_words(tmp_path, settings):
    extra = tmp_path / "extra.txt"
    extra.write_text("# comment\n甲乙 丙丁\n戊己 => 庚辛\n", encoding="utf-8")
    settings.TONGBAN_KB_SYNONYMS = [extra]
    segment.synonyms.cache_clear()
    try:
        found = segment.synonyms()
        assert found["甲乙"] == {"丙丁"} and found["丙丁"] == {"甲乙"}
        assert found["戊己"] == {"庚辛"} and "庚辛" not in found
        assert found["人防费"] >= {"易地建设费"} and "人防费" not in found["易地建设费"]
    finally:
        segment.synonyms.cache_clear()


def test_reindex_command_keeps_search_working(kb):
    Article.objects.update(search_question="", search_body="")
    assert search.search("人防车位可以出售吗") == []
    call_command("kb_reindex", verbosity=0)
    assert _first("人防车位能买吗") == "人防车位可以出售吗？"


def test_related_articles_on_an_appeal_are_those_its_handler_may_open(client, file_appeal, handler_a, admin_a,
                                                                      admin_b, dept_a):
    # Ranked search finds related articles for most appeals: each must open for the handler.
    from tongban.accounts.models import Role

    from ..factories import StaffFactory

    mine = kb_services.article_save(actor=admin_a, data={
        "question": "民办幼儿园易地建设费减免", "answer": "可以按规定减免。", "organisation_id": admin_a.organisation_id})
    other = kb_services.article_save(actor=admin_b, data={
        "question": "幼儿园易地建设费减免的材料", "answer": "乙市的草稿。", "organisation_id": admin_b.organisation_id})
    appeal = file_appeal()
    client.force_login(handler_a)  # edits the knowledge base: the editor
    page = client.get(f"/appeals/{appeal.pk}/").content.decode()
    assert f'href="/appeals/knowledge/{mine.pk}/"' in page and f"/appeals/knowledge/{other.pk}/" not in page
    reviewer = StaffFactory(username="kb_related_reviewer", organisation=dept_a, roles=[Role.REVIEWER])
    client.force_login(reviewer)  # handles appeals, reads the knowledge base: the reading page
    page = client.get(f"/appeals/{appeal.pk}/").content.decode()
    assert f'href="/appeals/knowledge/{mine.pk}/read/"' in page and f"/appeals/knowledge/{other.pk}/" not in page
    assert client.get(f"/appeals/knowledge/{mine.pk}/read/").status_code == 200
