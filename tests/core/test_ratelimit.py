"""Public endpoints refuse floods with 429 and a Chinese message, per client address."""

import pytest
from django.core.cache import cache

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear():
    cache.clear()
    yield
    cache.clear()


def test_the_progress_query_is_rate_limited_per_address(client, settings):
    settings.TONGBAN_RATE_PUBLIC_QUERY = 3
    query = {"number": "X", "code": "Y"}
    statuses = [client.get("/cases/progress/", query, REMOTE_ADDR="10.0.0.1").status_code for _ in range(4)]
    assert statuses == [404, 404, 404, 429]
    assert client.get("/cases/progress/", query, REMOTE_ADDR="10.0.0.2").status_code == 404
    response = client.get("/cases/progress/", REMOTE_ADDR="10.0.0.1")
    assert "操作过于频繁" in response.content.decode() and int(response["Retry-After"]) <= 60
    api = client.get("/api/v1/cases/progress", query, REMOTE_ADDR="10.0.0.3")
    for _ in range(3):
        api = client.get("/api/v1/cases/progress", query, REMOTE_ADDR="10.0.0.3")
    assert api.status_code == 429 and api.json()["code"] == "rate_limited"


def test_login_posts_are_rate_limited(client):
    from django.conf import settings

    for _ in range(settings.TONGBAN_RATE_LOGIN):
        client.post("/accounts/login/", {"username": "nobody", "password": "x"})
    response = client.post("/accounts/login/", {"username": "nobody", "password": "x"})
    assert response.status_code == 429
    assert client.get("/accounts/login/").status_code == 200  # reading the form is not limited


def test_on_redis_the_limit_holds_in_one_round_trip_per_request(client, settings, redis_cache):
    """Production counts in Redis: the 4th query in a minute is refused, and each counted request
    is one pipelined round trip (SET NX EX + INCR), the key expiring after the window."""
    from unittest import mock

    from django.core.cache import caches

    from tongban.core import ratelimit

    redis_cache(13, "tb-test-rl")
    settings.TONGBAN_RATE_PUBLIC_QUERY = 3
    raw = ratelimit._redis_client()
    assert raw is not None and ratelimit._redis_client() is raw  # built once per backend
    caches["default"].clear()
    query = {"number": "X", "code": "Y"}
    with mock.patch.object(type(raw), "pipeline", wraps=raw.pipeline) as pipelines:
        statuses = [client.get("/cases/progress/", query, REMOTE_ADDR="10.0.1.1").status_code for _ in range(4)]
    assert statuses == [404, 404, 404, 429] and pipelines.call_count == 4
    keys = raw.keys("tb-test-rl:*rl:progress:*")
    assert len(keys) == 1 and int(raw.get(keys[0])) == 4 and 0 < raw.ttl(keys[0]) <= 65
    caches["default"].clear()
