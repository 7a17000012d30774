import os
import subprocess
import sys


def test_check_deploy_is_clean_under_production_settings(tmp_path):
    # Playwright's tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process; a real deployment doesn't.
    base = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {
        **base,
        "TONGBAN_ENV": "production",
        "SECRET_KEY": "x" * 20 + "-production-secret-key-for-the-check-0123456789",
        "ALLOWED_HOSTS": "tongban.example.gov.cn",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "TONGBAN_VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-m", "tongban", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


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
