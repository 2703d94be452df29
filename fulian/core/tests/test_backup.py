"""`manage.py backup` and `manage.py restore`: the demo, backed up and restored into an empty
database by another process, gives back every table's row count, every indicator and every
uploaded file; the keys never travel inside the archive."""

import io
import json
import os
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from fulian.core import backup
from fulian.core.indicators import REGISTRY

pytestmark = pytest.mark.django_db(transaction=True)


def _env(database_url: str, media: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        MEDIA_ROOT=str(media),
        FULIAN_PD_KEYS=json.dumps(settings.FULIAN_PD_KEYS),
        FULIAN_ENV="test",
    )
    return env


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(settings.BASE_DIR / "manage.py"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture
def empty_database(tmp_path):
    """A new, empty database of the vendor under test, as a DATABASE_URL."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    import psycopg

    db = connection.settings_dict
    name = f"{db['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    params = {"host": db["HOST"] or None, "port": db["PORT"] or None, "user": db["USER"] or None}
    admin = psycopg.connect(dbname="postgres", autocommit=True, **params)
    admin.execute(f'CREATE DATABASE "{name}"')
    user = db["USER"] or "postgres"
    try:
        yield f"postgres://{user}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "venues" / "2023").mkdir(parents=True)
    (settings.MEDIA_ROOT / "venues" / "2023" / "妇女之家.jpg").write_bytes(b"\xff\xd8photo" * 100)
    (settings.MEDIA_ROOT / "evidence.pdf").write_bytes(b"%PDF-1.7 evidence")
    return settings.MEDIA_ROOT


def test_the_demo_comes_back_equal_from_an_empty_database(tmp_path, media, empty_database):
    call_command("load_divisions", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())
    before = backup.snapshot(years=[2023])
    # Every table (the audit trail and its hash chain included) and every indicator, for
    # the district, its 7 streets and its 16 towns.
    assert {"people_person", "auditlog_logentry", "core_auditlink"} <= set(before["tables"])
    assert before["tables"]["core_auditlink"] == (
        before["tables"]["auditlog_logentry"] + before["tables"]["core_accesslog"]
    )
    assert set(before["indicators"]) == set(REGISTRY)
    assert len(before["org_codes"]) == 1 + 7 + 16

    archive = tmp_path / "demo.tar.gz"
    err = io.StringIO()
    call_command("backup", str(archive), "--year", "2023", stdout=io.StringIO(), stderr=err)
    assert "does not contain the personal-data keys" in err.getvalue()

    restored_media = tmp_path / "restored-media"
    result = _manage(
        "restore",
        str(archive),
        "--snapshot-json",
        str(tmp_path / "after.json"),
        env=_env(empty_database, restored_media),
    )
    assert result.returncode == 0, result.stderr
    assert "every row count and every indicator equal to the backup's" in result.stdout
    after = json.loads((tmp_path / "after.json").read_text())
    assert after["tables"] == before["tables"]
    assert after["indicators"] == before["indicators"]
    assert (restored_media / "venues" / "2023" / "妇女之家.jpg").read_bytes() == (
        media / "venues" / "2023" / "妇女之家.jpg"
    ).read_bytes()
    assert (restored_media / "evidence.pdf").read_bytes() == b"%PDF-1.7 evidence"
    # The audit trail came back whole: its hash chain checks out in the restored database.
    verified = _manage("verify_audit", env=_env(empty_database, restored_media))
    assert verified.returncode == 0, verified.stderr
    assert "Every audit and access-log entry is in the chain and unchanged." in verified.stdout

    # A second restore into the now full database is refused, and changes nothing.
    again = _manage(
        "restore", str(archive), "--force-media", env=_env(empty_database, restored_media)
    )
    assert again.returncode != 0
    assert "the configured database is not empty" in again.stderr


@pytest.fixture
def small_archive(cast, media, tmp_path):
    archive = tmp_path / "small.tar.gz"
    call_command(
        "backup", str(archive), "--keys", str(tmp_path / "keys.json"),
        stdout=io.StringIO(), stderr=io.StringIO(),
    )  # fmt: skip
    return archive


def test_the_keys_go_to_their_own_file_and_never_into_the_archive(small_archive, tmp_path):
    keys = tmp_path / "keys.json"
    assert json.loads(keys.read_text()) == settings.FULIAN_PD_KEYS
    assert keys.stat().st_mode & 0o777 == 0o600
    assert small_archive.stat().st_mode & 0o777 == 0o600
    secrets = [settings.FULIAN_PD_KEYS["index_key"], *settings.FULIAN_PD_KEYS["keys"].values()]
    with tarfile.open(small_archive) as tar:
        names = tar.getnames()
        for member in tar.getmembers():
            data = tar.extractfile(member).read() if member.isfile() else b""
            assert not any(s.encode() in data for s in secrets), member.name
    database = backup.SQLITE_FILE if connection.vendor == "sqlite" else backup.PG_FILE
    assert sorted(names) == sorted(
        ["manifest.json", database, "media/evidence.pdf", "media/venues/2023/妇女之家.jpg"]
    )
    manifest = backup.read_manifest(small_archive)
    assert manifest["keys"]["fingerprint"] == backup.pd.fingerprint()
    assert manifest["media"]["files"] == 2


def test_restore_refuses_other_keys(small_archive, settings, tmp_path):
    settings.FULIAN_PD_KEYS = {"current": "k9", "keys": {"k9": "11" * 16}, "index_key": "22" * 32}
    settings.MEDIA_ROOT = tmp_path / "elsewhere"
    with pytest.raises(CommandError, match="the personal-data keys differ from the backup's"):
        call_command("restore", str(small_archive), stdout=io.StringIO())


def test_restore_refuses_a_database_that_is_not_empty(small_archive, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "elsewhere"
    with pytest.raises(CommandError, match="the configured database is not empty"):
        call_command("restore", str(small_archive), stdout=io.StringIO())


def test_restore_refuses_what_is_not_a_backup(tmp_path, db):
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not a tar")
    with pytest.raises(CommandError, match="is not a Fulian backup"):
        call_command("restore", str(junk), stdout=io.StringIO())


def test_restore_refuses_a_path_that_leaves_media_root(tmp_path, db):
    archive = tmp_path / "evil.tar.gz"
    manifest = json.dumps({"format": 1}).encode()
    with tarfile.open(archive, "w:gz") as tar:
        for name, data in (("manifest.json", manifest), ("media/../../etc/x", b"x")):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    with tarfile.open(archive) as tar, pytest.raises(backup.BackupError, match="unsafe path"):
        backup._safe_members(tar)
