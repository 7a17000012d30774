"""The current request's client address, for audit events written deep inside services."""

from contextvars import ContextVar

_client_ip: ContextVar[str | None] = ContextVar("tongban_client_ip", default=None)


def client_ip() -> str | None:
    return _client_ip.get()


def set_client_ip(ip: str | None):  # returns a token for reset
    return _client_ip.set(ip)


def reset_client_ip(token) -> None:
    _client_ip.reset(token)


def ip_from_request(request) -> str | None:
    # Behind the deployment's reverse proxy the first X-Forwarded-For hop is the client;
    # only trusted when the deployment says a proxy is in front.
    from django.conf import settings

    if getattr(settings, "TONGBAN_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR")
