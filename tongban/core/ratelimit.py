"""Fixed-window rate limits on public endpoints (progress query, login, anonymous forms).

Counters live in the cache: per process by default, shared by every web process when
TONGBAN_REDIS_URL points the cache at Redis (see settings). A limited request gets 429 with a
Chinese message and changes nothing.
"""

from __future__ import annotations

import functools
import hashlib
import time

from django.core.cache import cache
from django.http import HttpResponse, JsonResponse


def client_ip(request) -> str:
    # Behind the deployment's reverse proxy the real address is the first X-Forwarded-For entry;
    # believe it only when the deployment says a proxy sets it (TONGBAN_TRUST_X_FORWARDED_FOR).
    from django.conf import settings

    if getattr(settings, "TONGBAN_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "")


def _redis_client():
    """The raw redis-py client behind the default cache when it is Redis, else None (the
    backend, tongban.core.cache.RedisCache, keeps one client per connection pool)."""
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    backend = caches["default"]
    return backend._cache.get_client(write=True) if isinstance(backend, RedisCache) else None


def hit(scope: str, key: str, limit: int, window: int) -> tuple[bool, int]:
    """Count one request; return (allowed, seconds until the window resets). On Redis this is one
    round trip (SET NX EX and INCR in one MULTI/EXEC); elsewhere the cache's add and incr."""
    now = int(time.time())
    start = now - now % window
    digest = hashlib.sha256(f"{scope}:{key}".encode()).hexdigest()[:32]
    cache_key = f"rl:{scope}:{digest}:{start}"
    client = _redis_client()
    if client is not None:
        full_key = cache.make_and_validate_key(cache_key)
        pipe = client.pipeline(transaction=True)
        # SET NX EX then INCR: the window's expiry is set once, on any Redis since 2.6.12
        # (EXPIRE … NX would need Redis 7).
        pipe.set(full_key, 0, ex=window + 5, nx=True)
        pipe.incr(full_key)
        count = pipe.execute()[1]
        return count <= limit, start + window - now
    cache.add(cache_key, 0, timeout=window + 5)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # evicted between add and incr
        cache.set(cache_key, 1, timeout=window + 5)
        count = 1
    return count <= limit, start + window - now


MESSAGE = "操作过于频繁，请 {seconds} 秒后再试。"


def limit(
    scope: str, *, rate: int | str, window: int = 60, methods: tuple[str, ...] = ("GET", "POST"), json: bool = False
):
    """View decorator: at most `rate` requests per `window` seconds per client address. `rate` may
    name a setting, read at each request so deployments (and tests) can change it."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method in methods:
                from django.conf import settings

                allowed_rate = getattr(settings, rate) if isinstance(rate, str) else rate
                allowed, retry = hit(scope, client_ip(request), allowed_rate, window)
                if not allowed:
                    text = MESSAGE.format(seconds=retry)
                    if json:
                        response = JsonResponse({"code": "rate_limited", "message": text}, status=429)
                    else:
                        response = HttpResponse(text, status=429, content_type="text/plain; charset=utf-8")
                    response["Retry-After"] = str(retry)
                    return response
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
