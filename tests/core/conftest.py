import pytest


@pytest.fixture
def redis_cache(settings):
    """Point the default cache at a real Redis (the production backend) in database `db`, under
    its own key prefix; skip when no Redis is running."""
    redis = pytest.importorskip("redis")

    def use(db: int, prefix: str) -> str:
        url = f"redis://127.0.0.1:6379/{db}"
        try:
            redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
        except redis.exceptions.ConnectionError:
            pytest.skip("no Redis at 127.0.0.1:6379")
        settings.CACHES = {"default": {"BACKEND": "tongban.core.cache.RedisCache", "LOCATION": url,
                                       "KEY_PREFIX": prefix}}
        return url

    return use
