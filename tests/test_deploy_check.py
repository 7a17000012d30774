import os
import subprocess
import sys

import pytest


def _production(tmp_path, **extra):
    # Playwright's tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process; a real deployment doesn't.
    base = {k: v for k, v in os.environ.items() if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "TONGBAN_SITE_URL"}}
    return {
        **base,
        "TONGBAN_ENV": "production",
        "SECRET_KEY": "x" * 20 + "-production-secret-key-for-the-check-0123456789",
        "ALLOWED_HOSTS": "tongban.example.gov.cn",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "TONGBAN_VAR_DIR": str(tmp_path),
        **extra,
    }


def _check_deploy(env):
    return subprocess.run(
        [sys.executable, "-m", "tongban", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_under_production_settings(tmp_path):
    result = _check_deploy(_production(tmp_path, TONGBAN_SITE_URL="https://tongban.example.gov.cn"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("site_url", [None, "http://localhost:8000/"])
def test_check_deploy_fails_while_the_public_address_is_unset_or_loopback(tmp_path, site_url):
    extra = {} if site_url is None else {"TONGBAN_SITE_URL": site_url}
    result = _check_deploy(_production(tmp_path, **extra))
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "ERRORS" in output and "licences.E001" in output
    assert "TONGBAN_SITE_URL" in output and "二维码" in output and "请把环境变量 TONGBAN_SITE_URL 设为" in output


@pytest.mark.parametrize(
    ("site_url", "refused"),
    [
        ("", True), ("http://127.0.0.1:8000", True), ("http://127.8.9.1", True), ("https://LOCALHOST", True),
        ("http://app.localhost", True), ("http://[::1]:8000", True), ("http://0.0.0.0:8000", True),
        ("tongban.example.gov.cn", True), ("ftp://tongban.example.gov.cn", True), ("http://[::1", True),
        ("https://zwfw.example.gov.cn", False), ("http://10.1.2.3:8080/tongban/", False),
    ],
)
def test_which_public_addresses_the_deploy_check_refuses(settings, site_url, refused):
    from django.core import checks

    from tongban.licences.checks import public_address_configured

    assert public_address_configured in checks.registry.registry.get_checks(include_deployment_checks=True)
    settings.PRODUCTION, settings.SITE_URL = True, site_url
    found = public_address_configured()
    assert bool(found) is refused and all(m.level == checks.ERROR and m.id == "licences.E001" for m in found)
    settings.PRODUCTION = False  # development keeps its loopback default
    assert public_address_configured() == []


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env.update({"TONGBAN_ENV": "production", "TONGBAN_VAR_DIR": str(tmp_path)})
    result = subprocess.run(
        [sys.executable, "-m", "tongban", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
