"""The audit log page shows every event, whatever keys its changes hold."""

import pytest
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory

from tongban.core import audit

pytestmark = pytest.mark.django_db


def test_an_event_whose_changes_hold_a_key_named_items_is_listed(client, supervisor_a, clerk_a):
    # A bundle edit and a supplement notice record {"items": [...]}; the page must show it.
    audit.record("bundle.updated", actor=clerk_a, object_type="catalog.bundle", object_id="1",
                 object_repr="开办企业一件事", changes={"items": [["RF-XK-001"], ["RF-XK-001", "RF-BA-002"]],
                                                       "name": ["旧名", "新名"]})
    client.force_login(supervisor_a)
    response = client.get("/workspace/audit/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "开办企业一件事" in page
    assert "RF-BA-002" in page and "新名" in page


def test_pager_links_keep_a_query_parameter_named_items():
    # Any list page with a pager answered 500 on ?items=abc (three letters, two loop variables).
    request = RequestFactory().get("/policies/", {"items": "abc", "status": "open", "page": "1"})
    page = Paginator(list(range(30)), 10).get_page(1)
    html = render_to_string("cases/_pager.html", {"page": page, "request": request})
    assert 'href="?items=abc&status=open&page=2"' in html
