"""`tongban serve` binds where it is told: `--bind` first, then `TONGBAN_BIND`, else
127.0.0.1:8000 (README: changing the port). gunicorn and the worker are outside processes and
are stubbed here."""

from __future__ import annotations

import subprocess

import pytest
from django.core.management import call_command


@pytest.fixture
def launched(monkeypatch):
    calls: list[list[str]] = []
    monkeypatch.setattr(subprocess, "run", lambda cmd, check=False: calls.append(cmd))
    monkeypatch.setattr(subprocess, "Popen", lambda cmd: pytest.fail("--no-worker starts no worker"))
    return calls


def _bind(cmd: list[str]) -> str:
    return cmd[cmd.index("--bind") + 1]


def test_default_address(launched, monkeypatch):
    monkeypatch.delenv("TONGBAN_BIND", raising=False)
    call_command("serve", "--no-worker")
    assert _bind(launched[0]) == "127.0.0.1:8000" and "gunicorn" in launched[0]


def test_the_environment_changes_the_port(launched, monkeypatch, capsys):
    monkeypatch.setenv("TONGBAN_BIND", "0.0.0.0:8080")
    call_command("serve", "--no-worker")
    assert _bind(launched[0]) == "0.0.0.0:8080"


def test_the_option_wins_over_the_environment(launched, monkeypatch):
    monkeypatch.setenv("TONGBAN_BIND", "0.0.0.0:8080")
    call_command("serve", "--no-worker", "--bind", "127.0.0.1:9000")
    assert _bind(launched[0]) == "127.0.0.1:9000"
