"""Consistent backups of the database and the attachments, and their restore.

Consistency: attachments are content-addressed and never changed or deleted, so a database
snapshot taken first and the attachment directory copied after it always agree: every file the
snapshot refers to is present (a file uploaded in between is merely extra).

- SQLite: the online backup API copies a consistent snapshot while the platform keeps running.
- PostgreSQL: `pg_dump --format=custom` (a single consistent transaction); restored with
  `pg_restore --clean`.

An archive is a .tar.gz with `manifest.json` (format, vendor, time, row counts, SHA-256 of every
member), the database (`db.sqlite3` or `db.dump`) and `attachments/`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection, connections

FORMAT = 1
# System checks with this tag are run after a restore and what they find is shown to the operator:
# modules register there what a new machine must provide (e.g. licences: the signing keys decrypt).
RESTORE_CHECK_TAG = "restore"


class BackupError(Exception):
    """A backup or restore that cannot proceed; the message is shown to the operator as is."""


def _attachments_dir() -> Path:
    return Path(default_storage.location)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _pg_env() -> tuple[list[str], dict]:
    db = connection.settings_dict
    args = ["--host", db.get("HOST") or "localhost", "--port", str(db.get("PORT") or 5432),
            "--username", db.get("USER") or "postgres", "--dbname", db["NAME"]]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def _counts() -> dict[str, int]:
    from django.apps import apps

    counts = {}
    with connection.cursor() as cursor:
        for model in apps.get_models():
            if model._meta.managed and not model._meta.proxy:
                table = model._meta.db_table
                cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 - table names from models
                counts[model._meta.label_lower] = cursor.fetchone()[0]
    return counts


def create(target: Path) -> dict:
    """Write a backup archive to `target`; return its manifest."""
    vendor = connection.vendor
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if vendor == "sqlite":
            db_file = work / "db.sqlite3"
            connection.ensure_connection()
            dest = sqlite3.connect(db_file)
            try:
                connection.connection.backup(dest)
            finally:
                dest.close()
        elif vendor == "postgresql":
            if not shutil.which("pg_dump"):
                raise BackupError("未找到 pg_dump，请安装与数据库版本一致的 PostgreSQL 客户端。")
            db_file = work / "db.dump"
            args, env = _pg_env()
            result = subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--file", str(db_file), *args],
                                    env=env, capture_output=True, text=True)
            if result.returncode != 0:
                raise BackupError(f"pg_dump 失败：{result.stderr.strip()}")
        else:
            raise BackupError(f"不支持的数据库类型：{vendor}")
        counts = _counts()
        files = {db_file.name: _sha256(db_file)}
        source = _attachments_dir()
        attachment_files = [p for p in source.rglob("*") if p.is_file()] if source.exists() else []
        for path in attachment_files:
            files["attachments/" + path.relative_to(source).as_posix()] = _sha256(path)
        manifest = {
            "format": FORMAT,
            "vendor": vendor,
            "created_at": dt.datetime.now(dt.UTC).isoformat(),
            "platform": str(settings.TONGBAN_PLATFORM_NAME),
            "rows": counts,
            "files": files,
        }
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        with tarfile.open(partial, "w:gz") as tar:
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
            tar.add(db_file, arcname=db_file.name)
            for path in attachment_files:
                tar.add(path, arcname="attachments/" + path.relative_to(source).as_posix())
        partial.replace(target)  # a crash mid-write never leaves a truncated archive under the real name
    return manifest


def after_restore_checks() -> list:
    """What the restored data needs from this machine that it lacks, as system-check messages."""
    from django.core import checks

    return [m for m in checks.run_checks(tags=[RESTORE_CHECK_TAG]) if not m.is_silenced()]


def read_manifest(archive: Path) -> dict:
    try:
        with tarfile.open(archive, "r:gz") as tar:
            member = tar.extractfile("manifest.json")
            if member is None:
                raise KeyError
            return json.loads(member.read())
    except (OSError, KeyError, tarfile.TarError, json.JSONDecodeError):
        raise BackupError(f"{archive} 不是有效的通办备份文件。") from None


def restore(archive: Path) -> dict:
    """Replace the database and attachments with the archive's. Checks every member's SHA-256
    before touching anything, so a damaged archive changes nothing."""
    manifest = read_manifest(archive)
    if manifest.get("format") != FORMAT:
        raise BackupError("备份文件格式版本不受支持。")
    vendor = connection.vendor
    if manifest["vendor"] != vendor:
        raise BackupError(f"备份来自 {manifest['vendor']} 数据库，当前为 {vendor}，不能直接恢复。")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(work, filter="data")
        for name, digest in manifest["files"].items():
            path = work / name
            if not path.is_file() or _sha256(path) != digest:
                raise BackupError(f"备份文件已损坏：{name} 校验不一致，未做任何更改。")
        if vendor == "sqlite":
            db_path = Path(connection.settings_dict["NAME"])
            connections.close_all()
            for suffix in ("-wal", "-shm"):
                Path(str(db_path) + suffix).unlink(missing_ok=True)
            src = sqlite3.connect(work / "db.sqlite3")
            dest = sqlite3.connect(db_path)
            try:
                src.backup(dest)
            finally:
                src.close()
                dest.close()
        else:
            args, env = _pg_env()
            connections.close_all()
            result = subprocess.run(
                ["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", *args,
                 str(work / "db.dump")], env=env, capture_output=True, text=True)
            if result.returncode != 0:
                raise BackupError(f"pg_restore 失败：{result.stderr.strip()[:500]}")
        target = _attachments_dir()
        staged = target.with_name(target.name + ".restoring")
        shutil.rmtree(staged, ignore_errors=True)
        if (work / "attachments").exists():
            shutil.copytree(work / "attachments", staged)
        else:
            staged.mkdir(parents=True)
        old = target.with_name(target.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if target.exists():
            target.rename(old)
        staged.rename(target)
        shutil.rmtree(old, ignore_errors=True)
    return manifest
