"""Open311 (GeoReport v2) as a third-party client sees it: only appeals whose requesters agreed are
public, without personal data; XML says what JSON says; absent fields are absent; the 90-day
window and the jurisdiction are enforced with GeoReport errors."""

import datetime as dt
import json
from xml.etree import ElementTree as ET

import pytest
from django.utils import timezone

from tongban.appeals import services
from tongban.appeals.models import Appeal

pytestmark = pytest.mark.django_db

# Spark convention: these XML elements hold lists, whose items are named by the singular.
LISTS = {"services", "service_requests", "errors", "endpoints", "formats", "attributes", "values"}


def _spark(element):
    """The JSON a GeoReport client derives from an XML answer, scalars as strings."""
    if element.tag in LISTS:
        return [_spark(child) for child in element]
    if len(element):
        return {child.tag: _spark(child) for child in element}
    return element.text or ""


def _as_strings(value):
    if isinstance(value, dict):
        return {k: _as_strings(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_strings(v) for v in value]
    if isinstance(value, bool):
        return "true" if value else "false"
    assert value is not None, "absent fields are left out, not null"
    return str(value)


def _xml(response):
    assert response["Content-Type"].startswith("text/xml")
    return ET.fromstring(response.content)  # noqa: S314 - our own server's answer


def _web_file(client, **extra):
    form = {"kind": "complaint", "category": "rf-quality", "content": "防空地下室墙面渗水，物业不处理。",
            "name": "王小二", "phone": "13800001111", "address": "郑州市金水区金水路88号院3号楼502室", **extra}
    response = client.post("/appeals/new/", form)
    assert response.status_code == 302, response.content.decode()
    return Appeal.objects.order_by("-id").first()


# --- 1. publication by the requester's choice ---------------------------------------------------


def test_the_portal_form_offers_publication_unchecked(client, categories):
    page = client.get("/appeals/new/").content.decode()
    assert "同意公开（不含个人信息）" in page
    box = page[page.index('name="publish"') - 80: page.index('name="publish"') + 80]
    assert "checked" not in box


def test_a_web_appeal_filed_without_consent_answers_404_like_a_missing_one(client, categories, rule):
    appeal = _web_file(client)
    assert appeal.publish_consent is False
    hidden = client.get(f"/open311/v2/requests/{appeal.number}.json")
    missing = client.get("/open311/v2/requests/SQ2099010199999.json")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json() == [{"code": 404, "description": "service_request_id 不存在。"}]
    assert client.get("/open311/v2/requests.json", {"service_request_id": appeal.number}).json() == []
    assert client.get("/open311/v2/requests.json").json() == []


def test_a_published_web_appeal_shows_no_personal_data(client, categories, rule, handler_a):
    appeal = _web_file(client, publish="1", email="wang@example.com",
                       content="我是王小二，电话13800001111，身份证410102199001011234，易地建设费被多收了。")
    assert appeal.publish_consent is True
    services.appeal_accept(actor=handler_a, appeal_id=appeal.pk)
    services.appeal_reply(actor=handler_a, appeal_id=appeal.pk, body="王小二您好，已安排维修，联系电话13800001111。")
    response = client.get(f"/open311/v2/requests/{appeal.number}.json")
    assert response.status_code == 200
    row = response.json()[0]
    text = json.dumps(response.json(), ensure_ascii=False)
    for secret in ("王小二", "13800001111", "410102199001011234", "wang@example.com", "88号", "502室"):
        assert secret not in text, secret
    assert "易地建设费被多收了" in row["description"] and "已安排维修" in row["status_notes"]
    assert row["address"] == "郑州市金水区金水路" and row["status"] == "closed"
    listed = client.get("/open311/v2/requests.json").json()
    assert [r["service_request_id"] for r in listed] == [appeal.number]


def test_open311_post_publishes_only_with_the_attribute(client, categories, rule):
    definition = client.get("/open311/v2/services/rf-quality.json").json()
    publish = next(a for a in definition["attributes"] if a["code"] == "publish")
    assert publish["required"] is False and {v["key"] for v in publish["values"]} == {"true", "false"}
    assert all(s["metadata"] is True for s in client.get("/open311/v2/services.json").json())

    base = {"service_code": "rf-quality", "description": "人防工程渗水", "address_string": "郑州市金水路1号",
            "phone": "13800002222"}
    private = client.post("/open311/v2/requests.json", base).json()[0]["service_request_id"]
    public = client.post("/open311/v2/requests.json", {**base, "attribute[publish]": "true"}).json()[0]
    assert "查询码" in public["service_notice"] and "account_id" not in public
    assert client.get(f"/open311/v2/requests/{private}.json").status_code == 404
    got = client.get(f"/open311/v2/requests/{public['service_request_id']}.json").json()[0]
    assert got["description"] == "人防工程渗水" and got["address"] == "郑州市金水路"

    bad = client.post("/open311/v2/requests.json", {**base, "attribute[publish]": "maybe"})
    assert bad.status_code == 400 and "attribute[publish]" in bad.json()[0]["description"]
    assert Appeal.objects.count() == 2


def test_the_api_records_the_choice(client, citizen, rule):
    client.force_login(citizen)
    created = client.post("/api/v1/appeals/", {"kind": "suggestion", "content": "建议延长窗口时间", "publish": True},
                          content_type="application/json")
    assert created.status_code == 201
    assert Appeal.objects.get(number=created.json()["number"]).publish_consent is True


# --- 2. XML for everything, with the JSON's content ---------------------------------------------


@pytest.fixture
def published(client, categories, rule, handler_a):
    located = client.post("/open311/v2/requests.json", {
        "service_code": "rf-quality", "description": "防空地下室渗水", "lat": "34.7466", "long": "113.6253",
        "phone": "13800001111", "attribute[publish]": "true"}).json()[0]["service_request_id"]
    addressed = client.post("/open311/v2/requests.json", {
        "service_code": "rf-fee", "description": "易地建设费减免咨询", "address_string": "郑州市金水路1号",
        "phone": "13800002222", "attribute[publish]": "true"}).json()[0]["service_request_id"]
    appeal = Appeal.objects.get(number=addressed)
    services.appeal_accept(actor=handler_a, appeal_id=appeal.pk)
    services.appeal_reply(actor=handler_a, appeal_id=appeal.pk, body="可按规定申请减免。")
    return {"located": located, "addressed": addressed}


@pytest.mark.parametrize("path", [
    "/open311/discovery.{fmt}",
    "/open311/v2/services.{fmt}",
    "/open311/v2/services/rf-fee.{fmt}",
    "/open311/v2/requests.{fmt}",
    "/open311/v2/requests.{fmt}?status=closed",
    "/open311/v2/requests/{located}.{fmt}",
    "/open311/v2/requests/{addressed}.{fmt}",
    "/open311/v2/requests/SQ1.{fmt}",
    "/open311/v2/requests.{fmt}?start_date=yesterday",
    "/open311/v2/services.{fmt}?jurisdiction_id=elsewhere.gov.cn",
])
def test_every_xml_answer_says_what_the_json_says(client, published, path):
    as_json = client.get(path.format(fmt="json", **published))
    as_xml = client.get(path.format(fmt="xml", **published))
    assert as_json.status_code == as_xml.status_code
    assert as_json["Content-Type"].startswith("application/json")
    root = _xml(as_xml)
    assert as_xml.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    assert _spark(root) == _as_strings(as_json.json())


def test_post_answers_in_xml_what_it_answers_in_json(client, categories, rule):
    form = {"service_code": "rf-fee", "description": "咨询", "address_string": "郑州", "phone": "13800003333"}
    as_json = client.post("/open311/v2/requests.json", form)
    as_xml = client.post("/open311/v2/requests.xml", {**form, "phone": "13800004444"})
    assert as_json.status_code == as_xml.status_code == 201
    got, want = _spark(_xml(as_xml))[0], as_json.json()[0]
    assert set(got) == set(want) == {"service_request_id", "service_notice"}


def test_discovery_in_xml_names_the_endpoint_formats_and_jurisdiction(client, settings):
    settings.SITE_URL = "https://www.rfb.zhengzhou.gov.cn"
    root = _xml(client.get("/open311/discovery.xml"))
    assert root.tag == "discovery"
    assert root.findtext("jurisdiction_id") == "rfb.zhengzhou.gov.cn"
    endpoint = root.find("endpoints/endpoint")
    assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint.findtext("url") == "https://www.rfb.zhengzhou.gov.cn/open311/v2"
    assert {f.text for f in endpoint.iter("format")} == {"text/xml", "application/json"}
    assert "rfb.zhengzhou.gov.cn" in client.get("/open311/discovery.json").json()["key_service"]


# --- 3. numbers are numbers, absent is absent --------------------------------------------------


def test_coordinates_are_numbers_and_absent_fields_are_left_out(client, published):
    located = client.get(f"/open311/v2/requests/{published['located']}.json").json()[0]
    # Coarsened to about 100 m: the spot of the problem, not the requester's door.
    assert located["lat"] == 34.747 and located["long"] == 113.625
    assert "address" not in located and "status_notes" in located
    addressed = client.get(f"/open311/v2/requests/{published['addressed']}.json").json()[0]
    for absent in ("lat", "long", "address_id", "zipcode", "media_url"):
        assert absent not in addressed, absent
    assert "" not in addressed.values()
    root = _xml(client.get("/open311/v2/requests.xml"))
    assert root.find("request/lat") is None or root.findtext("request/lat") != ""
    assert all(e.text for e in root.iter() if len(e) == 0), "no empty elements"
    services_json = client.get("/open311/v2/services.json").json()
    assert all("description" not in s and "keywords" not in s for s in services_json)  # none set


# --- 4. the 90-day window ---------------------------------------------------------------------


def _age(number, days):
    Appeal.objects.filter(number=number).update(submitted_at=timezone.now() - dt.timedelta(days=days))


def test_spans_over_90_days_and_bad_dates_are_refused_in_the_georeport_format(client, published):
    for query in ({"start_date": "2026-01-01T00:00:00+08:00", "end_date": "2026-04-02T00:00:00+08:00"},
                  {"start_date": "not a date"},
                  {"end_date": "2026-13-01T00:00:00Z"},
                  {"start_date": "2026-03-01T00:00:00Z", "end_date": "2026-02-01T00:00:00Z"},
                  {"end_date": "0001-01-01T00:00:00Z"}, {"start_date": "9999-12-31T00:00:00Z"}):
        response = client.get("/open311/v2/requests.json", query)
        assert response.status_code == 400, query
        body = response.json()
        assert body[0]["code"] == 400 and body[0]["description"], query
        xml = client.get("/open311/v2/requests.xml", query)
        assert xml.status_code == 400 and _xml(xml).findtext("error/code") == "400"
    ninety = client.get("/open311/v2/requests.json", {"start_date": "2026-01-01T00:00:00+08:00",
                                                       "end_date": "2026-04-01T00:00:00+08:00"})
    assert ninety.status_code == 200


def test_the_default_window_is_the_last_90_days(client, published):
    _age(published["located"], 100)
    _age(published["addressed"], 20)
    assert [r["service_request_id"] for r in client.get("/open311/v2/requests.json").json()] == [
        published["addressed"]]
    old = (timezone.now() - dt.timedelta(days=120)).isoformat()
    assert [r["service_request_id"] for r in client.get("/open311/v2/requests.json", {"start_date": old}).json()] == [
        published["located"]]
    # service_request_id overrides the window.
    by_id = client.get("/open311/v2/requests.json", {"service_request_id": published["located"]}).json()
    assert [r["service_request_id"] for r in by_id] == [published["located"]]


def test_the_list_reads_a_constant_number_of_queries(client, published, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        rows = client.get("/open311/v2/requests.json").json()
    assert len(rows) == 2


def test_control_characters_in_the_text_keep_the_xml_well_formed(client, categories, rule):
    number = client.post("/open311/v2/requests.json", {
        "service_code": "rf-fee", "description": "易地建设费\x0b减免\x01咨询", "address_string": "郑州",
        "phone": "13800001111", "attribute[publish]": "true"}).json()[0]["service_request_id"]
    assert _xml(client.get(f"/open311/v2/requests/{number}.xml")).findtext("request/description") == "易地建设费减免咨询"
    assert client.get(f"/open311/v2/requests/{number}.json").json()[0]["description"] == "易地建设费减免咨询"


def test_status_may_be_declared_comma_delimited(client, published):
    both = client.get("/open311/v2/requests.json", {"status": "open,closed"}).json()
    assert {r["service_request_id"] for r in both} == set(published.values())
    assert client.get("/open311/v2/requests.json", {"status": "pending"}).status_code == 400


# --- 5. jurisdiction ---------------------------------------------------------------------------


def test_an_unknown_jurisdiction_is_a_404_and_ours_or_none_is_served(client, published, settings):
    settings.SITE_URL = "https://www.rfb.zhengzhou.gov.cn"
    for path in ("/open311/v2/services.json", "/open311/v2/services/rf-fee.json", "/open311/v2/requests.json",
                 f"/open311/v2/requests/{published['located']}.json"):
        wrong = client.get(path, {"jurisdiction_id": "sfgov.org"})
        assert wrong.status_code == 404 and "jurisdiction_id" in wrong.json()[0]["description"], path
        assert client.get(path, {"jurisdiction_id": "rfb.zhengzhou.gov.cn"}).status_code == 200, path
        assert client.get(path, {"jurisdiction_id": ""}).status_code == 200, path
    count = Appeal.objects.count()
    posted = client.post("/open311/v2/requests.json", {"jurisdiction_id": "sfgov.org", "service_code": "rf-fee",
                                                       "description": "x", "address_string": "郑州",
                                                       "phone": "13800005555"})
    assert posted.status_code == 404 and Appeal.objects.count() == count


def test_the_jurisdiction_can_be_configured(client, categories, settings):
    settings.TONGBAN_OPEN311_JURISDICTION_ID = "rfb.henan.gov.cn"
    assert client.get("/open311/discovery.json").json()["jurisdiction_id"] == "rfb.henan.gov.cn"
    assert client.get("/open311/v2/services.json", {"jurisdiction_id": "RFB.henan.gov.cn"}).status_code == 200
    assert client.get("/open311/v2/services.json", {"jurisdiction_id": "127.0.0.1"}).status_code == 404
