"""The public guide page: a repeat visitor of a published version gets 304 Not Modified, a new
version changes the tag, and a warm page reads no materials, stages or fees."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tongban.catalog import services

from .factories import make_item, stage

pytestmark = pytest.mark.django_db


def test_a_repeat_visitor_gets_not_modified_until_a_new_version_is_published(client, admin_a, city_a):
    item = make_item(city_a, actor=admin_a, implementation_code="RF-ETAG-1")
    first = client.get("/guides/RF-ETAG-1/")
    assert first.status_code == 200 and first["ETag"]
    again = client.get("/guides/RF-ETAG-1/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""

    draft = services.draft_start(actor=admin_a, item=item)
    services.draft_save(actor=admin_a, version=draft, elements={"promised_limit_days": 5, "change_note": "压缩时限"},
                        stages=[stage("审查", 3), stage("决定", 2)])
    # A draft is not public: the page, and its tag, stay the same.
    assert client.get("/guides/RF-ETAG-1/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    services.item_publish(version=draft, actor=admin_a)
    fresh = client.get("/guides/RF-ETAG-1/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert fresh.status_code == 200 and fresh["ETag"] != first["ETag"]
    assert "第 2 版" in fresh.content.decode()
    # The earlier version keeps a tag of its own, different from the current one's.
    old = client.get("/guides/RF-ETAG-1/?v=1")
    assert old.status_code == 200 and old["ETag"] not in (first["ETag"], fresh["ETag"])


def test_a_signed_in_visitor_gets_the_page_without_a_tag(client, admin_a, city_a, enterprise_user):
    make_item(city_a, actor=admin_a, implementation_code="RF-ETAG-2")
    client.force_login(enterprise_user)
    page = client.get("/guides/RF-ETAG-2/")
    assert page.status_code == 200 and not page.has_header("ETag")


def test_a_warm_guide_page_reads_no_materials_stages_or_fees(client, admin_a, city_a):
    make_item(city_a, actor=admin_a, implementation_code="RF-ETAG-3", is_free=False,
              fees=[{"name": "易地建设费", "standard": "按面积", "amount": None, "basis": "省定"}])
    client.get("/guides/RF-ETAG-3/")  # fills the cached body
    with CaptureQueriesContext(connection) as warm:
        page = client.get("/guides/RF-ETAG-3/")
    assert page.status_code == 200 and "易地建设费" in page.content.decode()
    tables = " ".join(q["sql"] for q in warm.captured_queries)
    assert "catalog_stage" not in tables and "catalog_fee" not in tables
    # item, version, its material ids (which may be omitted), the versions list, the bundles.
    assert len(warm) == 5
