"""Open311 GeoReport v2 round trips in JSON and XML; knowledge-base search; API operations."""

import datetime as dt
from xml.etree import ElementTree as ET

import pytest

from tongban.appeals import kb_services, search, services
from tongban.appeals.models import Appeal, Article

pytestmark = pytest.mark.django_db


def _xml(content: bytes):
    return ET.fromstring(content)  # noqa: S314 - our own server's answer


def test_open311_service_list_in_json_and_xml(client, categories):
    data = client.get("/open311/v2/services.json").json()
    assert {s["service_code"] for s in data} == {"rf-fee", "rf-quality"}
    assert all(s["metadata"] is True and s["type"] == "realtime" for s in data)  # the publish attribute
    root = _xml(client.get("/open311/v2/services.xml").content)
    assert root.tag == "services" and {e.findtext("service_code") for e in root.iter("service")} == {"rf-fee", "rf-quality"}
    definition = client.get("/open311/v2/services/rf-fee.json").json()
    assert definition["service_code"] == "rf-fee" and [a["code"] for a in definition["attributes"]] == ["publish"]
    assert client.get("/open311/v2/services/nope.xml").status_code == 404


def test_open311_post_and_get_round_trip_json(client, categories, rule):
    response = client.post("/open311/v2/requests.json", {
        "service_code": "rf-quality", "description": "防空地下室墙面渗水", "lat": "34.7466", "long": "113.6253",
        "first_name": "明", "last_name": "张", "phone": "13800001111", "attribute[publish]": "true"})
    assert response.status_code == 201
    request_id = response.json()[0]["service_request_id"]
    appeal = Appeal.objects.get(number=request_id)
    assert appeal.channel == "open311" and appeal.requester_name == "张 明" and appeal.kind == "complaint"
    got = client.get(f"/open311/v2/requests/{request_id}.json").json()[0]
    assert got["status"] == "open" and got["service_code"] == "rf-quality" and got["lat"] == 34.747
    assert "13800001111" not in str(got) and "张" not in str(got)
    listed = client.get("/open311/v2/requests.json", {"status": "open"}).json()
    assert [r["service_request_id"] for r in listed] == [request_id]


def test_open311_post_and_get_round_trip_xml(client, categories, rule, handler_a):
    response = client.post("/open311/v2/requests.xml", {
        "service_code": "rf-fee", "description": "易地建设费减免政策咨询", "address_string": "郑州市金水路1号",
        "phone": "13800002222", "attribute[publish]": "true"})
    assert response.status_code == 201 and response["Content-Type"].startswith("text/xml")
    request_id = _xml(response.content).findtext("request/service_request_id")
    appeal = Appeal.objects.get(number=request_id)
    services.appeal_accept(actor=handler_a, appeal_id=appeal.pk)
    services.appeal_reply(actor=handler_a, appeal_id=appeal.pk, body="可按规定申请减免。")
    root = _xml(client.get("/open311/v2/requests.xml", {"service_request_id": request_id}).content)
    request = root.find("request")
    assert request.findtext("status") == "closed" and request.findtext("status_notes") == "可按规定申请减免。"
    assert request.findtext("address") == "郑州市金水路"  # down to the street, no house number


def test_open311_errors_follow_the_spec(client, categories, rule, settings):
    unknown = client.post("/open311/v2/requests.json", {"service_code": "nope", "description": "x", "lat": "1",
                                                        "long": "1"})
    assert unknown.status_code == 404 and unknown.json()[0]["code"] == 404
    missing = client.post("/open311/v2/requests.json", {"description": "x", "lat": "1", "long": "1"})
    assert missing.status_code == 400 and missing.json()[0]["code"] == 400
    xml = client.post("/open311/v2/requests.xml", {"service_code": "rf-fee", "description": "x",
                                                   "address_string": "郑州"})
    assert xml.status_code == 400 and _xml(xml.content).findtext("error/description").find("电话") >= 0
    settings.TONGBAN_APPEALS_ANON_LIMITS = [("ip", 1, 3600)]
    ok = {"service_code": "rf-fee", "description": "咨询", "address_string": "郑州", "phone": "13800003333"}
    assert client.post("/open311/v2/requests.json", ok).status_code == 201
    limited = client.post("/open311/v2/requests.json", ok)
    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0
    assert Appeal.objects.count() == 1


def test_open311_with_an_api_key_files_for_the_organisation(client, categories, rule, city_a, admin_a):
    from tongban.accounts.services import api_token_issue, integration_user_create

    bot = integration_user_create(actor=admin_a, username="bot311", name="12345 平台", organisation=city_a)
    _token, raw = api_token_issue(actor=admin_a, user=bot, name="open311")
    response = client.post("/open311/v2/requests.json", {"api_key": raw, "service_code": "rf-fee",
                                                         "description": "平台转来的咨询", "address_string": "郑州"})
    assert response.status_code == 201
    assert Appeal.objects.get().registered_by == bot
    assert client.post("/open311/v2/requests.json", {"api_key": "tb_wrong", "service_code": "rf-fee",
                                                     "description": "x"}).status_code == 403


def _article(actor, question, answer, **extra):
    article = kb_services.article_save(actor=actor, data={"question": question, "answer": answer,
                                                          "organisation_id": actor.organisation_id, **extra})
    kb_services.article_set_state(actor=actor, article_id=article.pk, state="published")
    return article


def test_search_finds_fangkong_dixiashi_articles_for_a_two_character_query(admin_a):
    target = _article(admin_a, "哪些民用建筑应当修建防空地下室？", "新建民用建筑应按规定同步修建防空地下室。")
    fee = _article(admin_a, "易地建设费的收费标准", "不宜修建防空地下室的，缴纳防空地下室易地建设费。")
    _article(admin_a, "防空警报试鸣时间", "每年九月第三个星期六试鸣。")
    _article(admin_a, "窗口服务时间", "工作日上午九点至下午五点。")
    for query in ("防空", "地下室", "防空地下室"):
        ids = [h.article.pk for h in search.search(query)]
        assert target.pk in ids[:3] and fee.pk in ids[:3], query
        assert all(Article.objects.get(pk=i).question != "窗口服务时间" for i in ids)
    hit = next(h for h in search.search("防空地下室") if h.article.pk == target.pk)
    assert "<mark>防空地下室</mark>" in hit.question_html
    assert next(h.article.pk for h in search.search("易地建设费 标准")) == fee.pk


def test_the_domain_dictionary_keeps_terms_whole():
    from tongban.appeals import segment

    assert "防空地下室" in segment.words("新建防空地下室的易地建设费如何缴纳")
    assert "易地建设费" in segment.words("新建防空地下室的易地建设费如何缴纳")
    assert "竣工验收备案" in segment.words("人防工程竣工验收备案")


def test_search_shows_only_published_valid_articles_and_escapes(admin_a, settings):
    settings.TONGBAN_TODAY = dt.date(2026, 6, 1)
    _article(admin_a, "旧版防空地下室收费", "已废止", valid_to="2025-12-31")
    draft = kb_services.article_save(actor=admin_a, data={"question": "防空地下室草稿", "answer": "未发布",
                                                          "organisation_id": admin_a.organisation_id})
    live = _article(admin_a, "防空地下室<b>标准</b>", "现行 <script>x</script>")
    assert [h.article.pk for h in search.search("防空地下室")] == [live.pk]
    assert draft.pk in [h.article.pk for h in search.search("防空地下室", public=False)]
    hit = search.search("防空地下室")[0]
    assert "<b>" not in hit.question_html and "&lt;b&gt;" in hit.question_html and "<script>" not in hit.snippet_html


def test_editing_an_article_reindexes_it(admin_a):
    article = _article(admin_a, "人防车位能否出售", "不得出售。")
    assert search.search("车位")
    kb_services.article_save(actor=admin_a, article_id=article.pk, data={
        "question": "人防工程能否出租", "answer": "可以依法出租。", "organisation_id": admin_a.organisation_id})
    assert not search.search("车位") and search.search("出租")[0].article.pk == article.pk


def test_guidance_case_is_anonymised(file_appeal, handler_a, citizen, admin_a):
    appeal = file_appeal(content="我叫张明，电话13800001111，身份证410102199001011234，幼儿园易地建设费能否减免？")
    services.appeal_accept(actor=handler_a, appeal_id=appeal.pk)
    services.appeal_reply(actor=handler_a, appeal_id=appeal.pk, body="张明您好，可以减免。")
    services.appeal_callback(actor=citizen, appeal_id=appeal.pk, satisfaction="satisfied")
    draft = kb_services.guidance_draft(admin_a, appeal.pk)
    assert "张明" not in draft["answer"] and "13800001111" not in draft["answer"] and "410102199001011234" not in draft["answer"]
    article = kb_services.guidance_publish(actor=admin_a, appeal_id=appeal.pk, data=draft)
    assert article.kind == "guidance" and search.search("幼儿园 减免")[0].article.pk == article.pk


def test_api_kb_search_is_public(client, admin_a):
    _article(admin_a, "防空地下室竣工验收备案", "十五日内备案。")
    data = client.get("/api/v1/kb/search", {"q": "验收"}).json()
    assert data[0]["question"] == "防空地下室竣工验收备案" and "<mark>" in data[0]["question_html"]
    assert client.get("/api/v1/kb/search", {"q": " "}).status_code == 422


def test_api_appeal_operations(client, citizen, handler_a, rule, city_b, handler_b):
    client.force_login(citizen)
    created = client.post("/api/v1/appeals/", {"kind": "consultation", "content": "易地建设费减免"},
                          content_type="application/json")
    assert created.status_code == 201
    pk = Appeal.objects.get(number=created.json()["number"]).pk
    client.force_login(handler_a)
    assert client.get("/api/v1/appeals/").json()[0]["requester_phone"] == "138****5678"
    got = client.get(f"/api/v1/appeals/{pk}").json()
    assert got["status"] == "received" and got["requester_phone"] == "13812345678"
    assert client.post(f"/api/v1/appeals/{pk}/reply", {"body": "x"}, content_type="application/json").status_code == 409
    moved = client.post(f"/api/v1/appeals/{pk}/transfer", {"to_organisation_id": city_b.pk, "reason": "乙市管辖"},
                        content_type="application/json")
    assert moved.json()["status"] == "transferring"
    client.force_login(handler_b)
    assert client.post(f"/api/v1/appeals/{pk}/accept-transfer", {}, content_type="application/json").status_code == 200
    assert client.post(f"/api/v1/appeals/{pk}/reply", {"body": "可以减免"},
                       content_type="application/json").json()["status"] == "replied"
    done = client.post(f"/api/v1/appeals/{pk}/callback", {"satisfaction": "satisfied"}, content_type="application/json")
    assert done.json()["status"] == "closed"
    client.logout()
    assert client.get(f"/api/v1/appeals/{pk}").status_code == 401
    anon = client.post("/api/v1/appeals/", {"kind": "suggestion", "content": "建议"}, content_type="application/json")
    assert anon.status_code == 422  # anonymous needs a phone
