"""Demo data loaders registered by each module, run in order by `tongban demo`.

Every loader must be idempotent: running the demo twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable

DEMO_PASSWORD = "Tongban@2026"  # noqa: S105 - published demo credential, never in production

_loaders: list[tuple[int, str, Callable[[Callable[[str], None]], None]]] = []


def register(order: int, name: str):
    def decorator(func):
        if all(n != name for _, n, _ in _loaders):
            _loaders.append((order, name, func))
        return func

    return decorator


_login_lists: list[Callable[[], list[tuple[str, str]]]] = []


def register_logins(func: Callable[[], list[tuple[str, str]]]):
    """Decorator: `func()` lists the demo accounts a module creates as (username, description),
    printed by `tongban demo` (the accounts module owns them; core only prints)."""
    if func not in _login_lists:
        _login_lists.append(func)
    return func


def logins() -> list[tuple[str, str]]:
    return [row for func in _login_lists for row in func()]


def load_all(log: Callable[[str], None]) -> None:
    import importlib

    from django.apps import apps

    for config in apps.get_app_configs():
        if config.name.startswith("tongban."):
            try:
                importlib.import_module(f"{config.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.demo":
                    raise
    for _order, _name, loader in sorted(_loaders, key=lambda item: item[0]):
        loader(log)
