"""The production cache (Redis) keeps one client per connection pool: every operation works as
with Django's backend, without building a client object each time."""


def test_the_redis_backend_reuses_its_client_and_behaves_as_djangos(redis_cache):
    from django.core.cache import caches

    redis_cache(14, "tb-test-cache")
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
