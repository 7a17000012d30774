"""Credit platforms that receive records (信用中国（地方站）, the city's public credit platform …).

Each platform is an adapter with a name and `push(action, payload) -> receipt`. The platform list
is `TONGBAN_CREDIT_PLATFORMS` (dotted paths); by default a logging adapter stands in, so a
development machine pushes nowhere. Tests mock only the remote system behind an adapter.
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger("tongban.credit.platforms")

DEFAULT_PLATFORMS = ["tongban.credit.platforms.LoggingPlatform"]


class PushError(Exception):
    """The platform did not accept the push; the sweep retries it."""


class CreditPlatform(Protocol):
    name: str

    def push(self, action: str, payload: dict) -> str: ...


class LoggingPlatform:
    """Logs the push and answers a receipt derived from its content."""

    name = "log"

    def push(self, action: str, payload: dict) -> str:
        body = json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str)
        log.info("credit push %s %s", action, body)
        return "LOG-" + hashlib.sha256(f"{action}:{body}".encode()).hexdigest()[:16]


def platforms() -> list[CreditPlatform]:
    paths = getattr(settings, "TONGBAN_CREDIT_PLATFORMS", None) or DEFAULT_PLATFORMS
    return [import_string(p)() for p in paths]


def platform_named(name: str) -> CreditPlatform | None:
    return next((p for p in platforms() if p.name == name), None)
