"""How API callers authenticate: a bearer token of an organisation's integration user, or the
browser's session. Core knows no token model: accounts registers the function that turns a raw
token into a user (`register_token_authenticator`), so routers in every module authenticate
without importing accounts or the project's API root."""

from __future__ import annotations

from collections.abc import Callable

from ninja.security import APIKeyHeader, HttpBearer, django_auth

_token_authenticator: Callable[[str], object | None] | None = None
# Raises PermissionDenied when a session may not use the API yet (accounts: two-factor login).
_session_gate: Callable[[object], None] | None = None


def register_token_authenticator(func: Callable[[str], object | None]) -> None:
    global _token_authenticator
    _token_authenticator = func


def register_session_gate(func: Callable[[object], None]) -> None:
    """`func(request)` runs after a session is recognised and raises PermissionDenied to refuse it."""
    global _session_gate
    _session_gate = func


class TokenAuth(HttpBearer):
    """Authorization: Bearer tb_… issued to an organisation's integration user."""

    def authenticate(self, request, token):
        if _token_authenticator is None:  # no module issues tokens: none is valid
            return None
        user = _token_authenticator(token)
        if user is not None:
            request.user = user
        return user


class SessionAuth(APIKeyHeader):
    """The browser's session (CSRF-checked for unsafe methods by ninja's django_auth)."""

    param_name = "X-CSRFToken"

    def __call__(self, request):
        user = django_auth(request)
        # A session that the pages would still send to the 2FA step must not act through the API
        # either (issue 13 item 5); raising here answers 403 instead of falling through to anonymous.
        if user and _session_gate is not None:
            _session_gate(request)
        return user

    def authenticate(self, request, key):  # pragma: no cover - __call__ is used
        return None


def _anonymous(request):
    """Lets anonymous callers through to operations that accept them (after token and session)."""
    return "anonymous"


# For operations open to the public that still recognise a logged-in caller or a token.
OPTIONAL_AUTH = [TokenAuth(), SessionAuth(), _anonymous]
