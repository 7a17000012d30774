"""The production cache (Redis) keeps one client per connection pool: every operation works as
with Django's backend, without building a client object each time."""

import pytest


def test_the_redis_backend_reuses_its_client_and_behaves_as_djangos(settings):
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/14"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    from django.core.cache import caches

    settings.CACHES = {"default": {"BACKEND": "tongban.core.cache.RedisCache", "LOCATION": url,
                                   "KEY_PREFIX": "tb-test-cache"}}
    cache = caches["default"]
    cache.clear()
    client = cache._cache.get_client(write=True)
    assert cache._cache.get_client(write=True) is client  # one client, not one per operation
    assert cache.add("n", 1, timeout=30) and not cache.add("n", 5, timeout=30)
    assert cache.incr("n") == 2 and cache.get("n") == 2
    cache.set_many({"a": {"x": [1, 2]}, "b": "文"}, timeout=30)
    assert cache.get_many(["a", "b", "c"]) == {"a": {"x": [1, 2]}, "b": "文"}
    cache.delete("a")
    assert cache.get("a", "gone") == "gone" and 0 < client.ttl(cache.make_key("b")) <= 30
    cache.clear()
