"""Page numbers on every list: a page past the last one, zero, negative or too large for the
database answers 422 "页码超出范围" on every list operation of the API (found in the OpenAPI
document), and the HTML list pages clamp it. Never a 500, never a message about the input's
characters."""

import json

import pytest
from django.test import Client

BAD_PAGES = ["0", "-1", "-9223372036854775808", "9223372036854775807", "99999999999999999999", "1000"]


def _list_operations() -> list[tuple[str, str]]:
    # The document is served without touching the database, so it can be read at collection time.
    document = json.loads(Client().get("/api/v1/openapi.json").content)
    return sorted(
        (op["operationId"], path)
        for path, ops in document["paths"].items()
        for method, op in ops.items()
        if method == "get" and any(p["name"] == "page" and p["in"] == "query" for p in op.get("parameters", []))
        # Lists under a parent object (a path parameter such as a campaign's problems) need that
        # object; the pagination they share is the same helper.
        and "{" not in path
    )


LIST_OPERATIONS = _list_operations()


def test_the_document_has_list_operations():
    assert {"case_list", "appeal_list", "review_list", "catalog_list_items"} <= {op for op, _ in LIST_OPERATIONS}


@pytest.fixture
def callers(db, admin_a, clerk_a, enterprise_user):
    """Anonymous, then staff and applicant sessions: each list is read by the first that may."""
    clients = [Client()]
    for user in (admin_a, clerk_a, enterprise_user):
        client = Client()
        client.force_login(user)
        clients.append(client)
    return clients


@pytest.mark.parametrize(("operation_id", "path"), LIST_OPERATIONS, ids=[op for op, _ in LIST_OPERATIONS])
def test_a_page_out_of_range_answers_422_on_every_list_operation(callers, operation_id, path):
    client = next((c for c in callers if c.get(path, {"page": "1"}).status_code == 200), None)
    assert client is not None, f"nobody may read {operation_id}"
    for page in BAD_PAGES:
        response = client.get(path, {"page": page})
        assert response.status_code == 422, (operation_id, page, response.status_code, response.content[:300])
        assert response.json()["message"] == "页码超出范围", (operation_id, page, response.json())


def test_past_the_last_page_of_a_list_with_rows_is_out_of_range(client, city_a):
    from .cases.factories import make_item

    make_item(city_a)  # the catalog list is public; one item makes one page
    first = client.get("/api/v1/catalog/items", {"page": "1"})
    assert first.status_code == 200 and first.json()["count"] == 1 and len(first.json()["items"]) == 1
    second = client.get("/api/v1/catalog/items", {"page": "2"})
    assert second.status_code == 422 and second.json()["message"] == "页码超出范围"


HTML_LISTS = [
    "/cases/", "/cases/supervision/", "/cases/mine/", "/appeals/", "/appeals/supervision/", "/appeals/mine/",
    "/appeals/knowledge/", "/reviews/", "/policies/", "/policies/runs/", "/policies/profiles/", "/policies/public/",
    "/catalog/", "/guides/", "/accounts/staff/users/", "/notifications/", "/workspace/audit/", "/workspace/events/",
]


@pytest.mark.parametrize("path", HTML_LISTS)
def test_html_list_pages_clamp_any_page_number(callers, supervisor_a, path):
    supervising = Client()
    supervising.force_login(supervisor_a)
    client = next((c for c in [*callers, supervising] if c.get(path).status_code == 200), None)
    assert client is not None, f"nobody may read {path}"
    for page in [*BAD_PAGES, "abc", "1.5", "9" * 5000]:
        response = client.get(path, {"page": page})
        assert response.status_code == 200, (path, page, response.status_code)
