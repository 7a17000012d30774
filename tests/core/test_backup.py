"""`tongban backup` and `tongban restore` round trip: the database and the attachments come back
exactly, the audit chain verifies, and a damaged archive changes nothing."""

import os
import subprocess
import sys
import uuid

import pytest

MAKE = """
import io
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter
from tongban.core import attachments, audit
writer = PdfWriter()
writer.add_blank_page(595, 842)
writer.add_metadata({"/Title": "backup test"})
buffer = io.BytesIO()
writer.write(buffer)
a = attachments.store(SimpleUploadedFile("a.pdf", buffer.getvalue()))
audit.record("test.before_backup", obj=a)
"""
DAMAGE = """
import shutil
from django.core.files.storage import default_storage
from tongban.core.models import Attachment
Attachment.objects.all().delete()
shutil.rmtree(default_storage.location)
"""
CHECK = """
import hashlib
from django.core.files.storage import default_storage
from tongban.core.models import Attachment, AuditEvent
a = Attachment.objects.get()
data = default_storage.open(a.file.name).read()
assert b"backup test" in data and hashlib.sha256(data).hexdigest() == a.sha256
assert AuditEvent.objects.filter(action="test.before_backup").exists()
assert AuditEvent.objects.filter(action="system.restore").exists()
print("RESTORED-OK")
"""


@pytest.fixture
def env(tmp_path):
    vendor = os.environ.get("TONGBAN_EXPECT_DB_VENDOR", "sqlite")
    base = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    base["TONGBAN_VAR_DIR"] = str(tmp_path / "var")
    if vendor == "postgresql":
        import psycopg

        url = os.environ["DATABASE_URL"]
        name = f"tongban_backup_{uuid.uuid4().hex[:8]}"
        admin = url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        base["DATABASE_URL"] = url.rsplit("/", 1)[0] + "/" + name
        yield base
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        base["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"
        yield base


def tongban(env, *args):
    return subprocess.run([sys.executable, "-m", "tongban", *args], env=env, capture_output=True, text=True, timeout=300)


def test_backup_and_restore_round_trip(env, tmp_path):
    assert tongban(env, "migrate", "-v", "0").returncode == 0
    assert tongban(env, "shell", "-c", MAKE).returncode == 0
    archive = tmp_path / "b.tar.gz"
    made = tongban(env, "backup", str(archive))
    assert made.returncode == 0, made.stderr
    assert "已备份" in made.stdout and archive.exists()
    assert tongban(env, "shell", "-c", DAMAGE).returncode == 0

    refused = tongban(env, "restore", str(archive))
    assert refused.returncode != 0 and "--yes" in refused.stderr
    restored = tongban(env, "restore", str(archive), "--yes")
    assert restored.returncode == 0, restored.stderr
    assert "审计链完整" in restored.stdout
    check = tongban(env, "shell", "-c", CHECK)
    assert "RESTORED-OK" in check.stdout, check.stderr


def test_a_damaged_archive_is_refused(env, tmp_path):
    bad = tmp_path / "bad.tar.gz"
    bad.write_bytes(b"not an archive")
    result = tongban(env, "restore", str(bad), "--yes")
    assert result.returncode != 0 and "不是有效的通办备份文件" in result.stderr


SIGNING_KEY = """
from tongban.accounts.models import Organisation
from tongban.licences import signing
org = Organisation.objects.create(name="甲市人防办", code="RFB-A", kind="agency", level="city", division_code="410100")
signing.key_generate(organisation=org)
"""


def test_a_restore_under_another_key_encryption_key_warns_that_licences_cannot_be_signed(env, tmp_path):
    old = {**env, "TONGBAN_LICENCE_KEK": "kek-of-the-old-machine"}
    assert tongban(old, "migrate", "-v", "0").returncode == 0
    made = tongban(old, "shell", "-c", SIGNING_KEY)
    assert made.returncode == 0, made.stderr
    archive = tmp_path / "b.tar.gz"
    assert tongban(old, "backup", str(archive)).returncode == 0

    # The new machine was set up without the old machine's key-encryption key.
    new = {**env, "TONGBAN_LICENCE_KEK": "a-different-kek", "TONGBAN_VAR_DIR": str(tmp_path / "new-var")}
    if env["DATABASE_URL"].startswith("sqlite"):
        new["DATABASE_URL"] = f"sqlite:///{tmp_path / 'new.sqlite3'}"
    restored = tongban(new, "restore", str(archive), "--yes")
    assert restored.returncode == 0, restored.stderr
    assert "已从" in restored.stdout
    warning = restored.stderr.split("警告（licences.W001）：", 1)[1]  # what restore itself says afterwards
    assert "KEK, key-encryption key" in warning
    assert "甲市人防办（RFB-A" in warning and "不能签发电子证照" in warning
    assert "环境变量 TONGBAN_LICENCE_KEK" in warning and "SECRET_KEY" in warning

    checked = tongban(new, "check")
    assert "licences.W001" in checked.stderr and "甲市人防办（RFB-A" in checked.stderr, checked.stdout + checked.stderr

    # With the original key supplied on the new machine, the check is quiet.
    fixed = tongban({**new, "TONGBAN_LICENCE_KEK": "kek-of-the-old-machine"}, "check")
    assert fixed.returncode == 0 and "licences.W001" not in fixed.stdout + fixed.stderr
