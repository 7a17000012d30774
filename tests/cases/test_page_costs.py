"""What the pages staff and the public use most cost per request, pinned: an N+1 that comes back
fails here. And the caches that make them cheap never show a stale state after a transition."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tongban.cases import services

pytestmark = pytest.mark.django_db


def _count(client, path, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path, params)
    assert response.status_code == 200, path
    return len(ctx), response


def test_inbox_queries_are_pinned_and_the_cached_inbox_costs_almost_nothing(client, submit, clerk):
    for _ in range(3):
        submit()
    client.force_login(clerk)
    client.get("/workspace/")  # warm the per-process caches (content types, calendar)
    from django.core.cache import cache

    cache.clear()
    cold, page = _count(client, "/workspace/")
    assert page.context["counts"]["total"] == 3
    warm, _ = _count(client, "/workspace/")
    for _ in range(12):
        submit()
    cold_many, page = _count(client, "/workspace/")
    assert page.context["counts"]["total"] == 15 and len(page.context["items"]) == 15
    assert cold_many == cold
    # The items and counts come from the cache; what is left is the shell (session, user, roles,
    # organisation, calendar notice, the pending-work panels), far below the cold 20-odd.
    assert warm == 8 < cold


def test_case_list_and_progress_queries_are_pinned(client, submit, clerk):
    cases = [submit() for _ in range(3)]
    client.force_login(clerk)
    client.get("/cases/")
    few, _ = _count(client, "/cases/")
    cases += [submit() for _ in range(12)]
    many, page = _count(client, "/cases/")
    assert many == few and len(page.context["page"].object_list) == 15
    client.logout()
    case = cases[-1]
    # The public query: one query, the indexed lookup of the case with what it shows and its
    # public steps joined.
    n, api = _count(client, "/api/v1/cases/progress", number=case.number, code=case.query_code)
    assert n == 1 and [s["status"] for s in api.json()["steps"]] == ["submitted"]
    n, page = _count(client, "/cases/progress/", number=cases[0].number, code=cases[0].query_code)
    assert n == 1 and len(page.context["steps"]) == 1
    n, _ = _count(client, "/cases/progress/", number=cases[0].number, code=cases[0].query_code)
    assert n == 0  # cached until the next transition


def test_a_transition_shows_at_once_in_the_progress_query_and_the_inbox(client, submit, clerk,
                                                                         django_capture_on_commit_callbacks):
    case = submit()
    query = {"number": case.number, "code": case.query_code}
    assert "待受理" in client.get("/cases/progress/", query).content.decode()
    assert client.get("/api/v1/cases/progress", query).json()["status"] == "submitted"
    client.force_login(clerk)
    assert case.number in client.get("/workspace/").content.decode()  # now cached
    with django_capture_on_commit_callbacks(execute=True):
        services.case_accept(actor=clerk, case_id=case.pk)
    inbox = client.get("/workspace/")
    assert case.number not in inbox.content.decode() and inbox.context["counts"]["total"] == 0
    client.logout()
    assert "审查中" in client.get("/cases/progress/", query).content.decode()
    after = client.get("/api/v1/cases/progress", query).json()
    assert after["status"] == "review" and [s["status"] for s in after["steps"]] == ["submitted", "review"]


def test_a_plain_page_view_does_not_write_the_session(client, clerk):
    client.force_login(clerk)
    client.get("/workspace/")  # the first view after login may stamp the session
    with CaptureQueriesContext(connection) as ctx:
        client.get("/workspace/")
        client.get("/cases/")
    writes = [q["sql"] for q in ctx.captured_queries if "django_session" in q["sql"] and not q["sql"].startswith("SELECT")]
    assert writes == []
