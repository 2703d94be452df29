"""Backup and restore of a whole installation: the database, the uploaded files and, apart,
the personal-data keys (``manage.py backup`` / ``manage.py restore``, docs/deployment.md).

A backup is one ``.tar.gz``:

* ``manifest.json``: format, time, database vendor, applied migrations, the keys'
  fingerprint and the key ids in use (never the keys), and a :func:`snapshot` of the data:
  every table's row count and a checksum of every indicator for the top of the org tree;
* ``database.sqlite3`` (SQLite's online backup API: a consistent copy while the site runs)
  or ``database.pgdump`` (``pg_dump --format=custom``);
* ``media/``: everything under ``MEDIA_ROOT`` (photos, evidence, attachments).

The personal-data keys are never inside the archive: whoever holds an archive and its keys
reads every ID number. ``backup --keys FILE`` writes them to a separate file, to be kept
on another medium. ``restore`` refuses an archive whose keys differ from the configured ones,
restores into an empty database only, and checks the restored data against the manifest's
snapshot: every row count and every indicator must come back equal.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Model
from django.utils import timezone

from fulian.core import periods
from fulian.core import personal_data as pd

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
MEDIA_DIR = "media"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


# --- what the data looks like ---------------------------------------------------------------


def table_counts() -> dict[str, int]:
    """Every table of the database and its number of rows."""
    quote = connection.ops.quote_name
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor, include_views=False)):
            cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 (introspected)
            counts[table] = cursor.fetchone()[0]
    return counts


def snapshot_orgs() -> list[str]:
    """The orgs whose indicators a snapshot holds: the roots of the tree and their children
    (district, streets and towns for 秦州区), by code."""
    from fulian.orgs.models import Org

    top = Org.objects.filter(depth__lte=2, code__isnull=False).order_by("path")
    return [code for code in top.values_list("code", flat=True) if code]


def indicator_checksums(org_codes: Iterable[str], years: Iterable[int]) -> dict[str, str]:
    """For every registered indicator, a SHA-256 over its value for each org and year."""
    from fulian.core.indicators import REGISTRY, evaluate
    from fulian.orgs.models import Org

    values: dict[str, list[Any]] = {code: [] for code in sorted(REGISTRY)}
    for org in Org.objects.filter(code__in=list(org_codes)).order_by("code"):
        for year in sorted(years):
            for ind, value in evaluate(org, year):
                values[ind.code].append([org.code, year, value])
    return {
        code: hashlib.sha256(json.dumps(rows, default=str).encode()).hexdigest()
        for code, rows in values.items()
    }


def snapshot(*, org_codes: list[str] | None = None, years: list[int] | None = None) -> dict:
    """Row counts of every table and a checksum of every indicator: what a restore must give
    back unchanged."""
    from fulian.core.periods import default_year

    org_codes = snapshot_orgs() if org_codes is None else org_codes
    years = [default_year()] if years is None else years
    return {
        "tables": table_counts(),
        "org_codes": org_codes,
        "years": years,
        "indicators": indicator_checksums(org_codes, years),
    }


def differences(expected: dict, actual: dict) -> list[str]:
    """What differs between two snapshots, one line each (empty when they agree)."""
    lines = []
    for kind in ("tables", "indicators"):
        want, got = expected.get(kind, {}), actual.get(kind, {})
        for name in sorted(set(want) | set(got)):
            if want.get(name) != got.get(name):
                lines.append(
                    f"{kind[:-1]} {name}: backup {want.get(name)}, restored {got.get(name)}"
                )
    return lines


def applied_migrations() -> list[list[str]]:
    with connection.cursor() as cursor:
        if "django_migrations" not in connection.introspection.table_names(cursor):
            return []
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        return [list(row) for row in cursor.fetchall()]


def pending_migrations() -> list[str]:
    """Every migration of this version not recorded as applied, in the order migrate would
    apply them: also one missing under an applied one (which ``migration_plan`` skips)."""
    loader = MigrationExecutor(connection).loader
    applied = set(loader.applied_migrations)
    order: dict[tuple[str, str], None] = {}
    for leaf in loader.graph.leaf_nodes():
        order.update(dict.fromkeys(loader.graph.forwards_plan(leaf)))
    return [f"{app}.{name}" for app, name in order if (app, name) not in applied]


# --- personal-data columns ------------------------------------------------------------------


@dataclass(frozen=True)
class EncryptedColumn:
    """A column holding ``core.personal_data`` tokens (and, for sensitive values, its blind
    index column beside it)."""

    model: type[Model]
    cipher: str
    kind: str
    index: str | None

    @property
    def label(self) -> str:
        return f"{self.model._meta.label}.{self.cipher}"


# Columns encrypted with personal_data.encrypt outside a SensitiveValue: (model, field, kind).
OTHER_ENCRYPTED = [("accounts.User", "totp_secret", "totp")]


def encrypted_columns() -> list[EncryptedColumn]:
    """Every column of every model that holds personal-data tokens."""
    columns = []
    for model in apps.get_models():
        for attr in vars(model).values():
            if isinstance(attr, pd.SensitiveValue):
                columns.append(
                    EncryptedColumn(model, f"{attr.name}_cipher", attr.kind, f"{attr.name}_index")
                )
    for label, field, kind in OTHER_ENCRYPTED:
        try:
            model = apps.get_model(label)
            model._meta.get_field(field)
        except (LookupError, FieldDoesNotExist):  # the model or field went away
            continue
        columns.append(EncryptedColumn(model, field, kind, None))
    return sorted(columns, key=lambda c: c.label)


def key_ids_in_use() -> list[str]:
    """The key ids named by the stored tokens (every one must be among the configured keys)."""
    used: set[str] = set()
    for column in encrypted_columns():
        tokens = column.model._base_manager.exclude(**{column.cipher: ""}).values_list(
            column.cipher, flat=True
        )
        used.update(pd.key_id(token) for token in tokens.iterator())
    return sorted(used)


# --- the archive ----------------------------------------------------------------------------


def default_name() -> str:
    return timezone.localtime(periods.now()).strftime("fulian-backup-%Y%m%d-%H%M%S.tar.gz")


def _vendor() -> str:
    return connection.vendor


def _pg_env(db: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    args = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise BackupError(
            f"{name} is not installed: install the PostgreSQL client of the server's major "
            f"version (Debian: apt-get install postgresql-client-15)."
        )
    return path


def _dump_database(workdir: Path) -> str:
    if _vendor() == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(workdir / SQLITE_FILE)
        try:
            # The online backup API: a consistent copy while other connections write.
            connection.connection.backup(target)
        finally:
            target.close()
        return SQLITE_FILE
    if _vendor() == "postgresql":
        db = connection.settings_dict
        args, env = _pg_env(db)
        subprocess.run(  # noqa: S603
            [_tool("pg_dump"), "--format=custom", "--no-owner", *args, "--file",
             str(workdir / PG_FILE), str(db["NAME"])],
            env=env, check=True, capture_output=True,
        )  # fmt: skip
        return PG_FILE
    raise BackupError(f"backups support SQLite and PostgreSQL, not {_vendor()}")


def _media_files(root: Path) -> Iterator[Path]:
    if root.is_dir():
        yield from sorted(p for p in root.rglob("*") if p.is_file())


def media_summary(root: Path) -> dict[str, Any]:
    digest = hashlib.sha256()
    count = size = 0
    for path in _media_files(root):
        rel = path.relative_to(root).as_posix()
        data = path.read_bytes()
        digest.update(rel.encode() + b"\0" + hashlib.sha256(data).digest())
        count, size = count + 1, size + len(data)
    return {"files": count, "bytes": size, "sha256": digest.hexdigest()}


def create(output: Path, *, years: list[int] | None = None) -> dict[str, Any]:
    """Write a backup archive to ``output``; returns its manifest."""
    media_root = Path(settings.MEDIA_ROOT)
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "vendor": _vendor(),
        "migrations": applied_migrations(),
        "keys": {"fingerprint": pd.fingerprint(), "key_ids_in_use": key_ids_in_use()},
        "snapshot": snapshot(years=years),
        "media": media_summary(media_root),
    }
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    with tempfile.TemporaryDirectory() as tmp:
        manifest["database"] = _dump_database(Path(tmp))
        with tarfile.open(partial, "w:gz") as tar:
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = (
                len(data),
                int(time.time()),
                0o600,
            )
            tar.addfile(info, io.BytesIO(data))
            tar.add(Path(tmp) / manifest["database"], arcname=manifest["database"])
            for path in _media_files(media_root):
                tar.add(path, arcname=f"{MEDIA_DIR}/{path.relative_to(media_root).as_posix()}")
    partial.chmod(0o600)
    partial.replace(output)  # never a half-written archive under the final name
    return manifest


def write_keys(path: Path) -> None:
    """The personal-data keys, to a file of their own (mode 600)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        json.dump(settings.FULIAN_PD_KEYS, out)
        out.write("\n")


def read_manifest(archive: Path) -> dict[str, Any]:
    try:
        with tarfile.open(archive, "r:gz") as tar:
            member = tar.extractfile(MANIFEST)
            if member is None:
                raise KeyError(MANIFEST)
            manifest = json.load(member)
    except (OSError, tarfile.TarError, KeyError, ValueError) as exc:
        raise BackupError(f"{archive} is not a Fulian backup ({exc})") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"backup format {manifest.get('format')} is not {FORMAT}")
    return manifest


def _database_is_empty() -> bool:
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


def _restore_database(manifest: dict[str, Any], workdir: Path) -> None:
    source = workdir / manifest["database"]
    if _vendor() == "sqlite":
        name = str(connection.settings_dict["NAME"])
        connection.close()
        src = sqlite3.connect(source)
        dst = sqlite3.connect(name, uri=name.startswith("file:"))
        try:
            src.backup(dst)
        finally:
            src.close()
            dst.close()
        return
    db = connection.settings_dict
    args, env = _pg_env(db)
    connection.close()
    result = subprocess.run(  # noqa: S603
        [_tool("pg_restore"), "--no-owner", "--exit-on-error", "--single-transaction", *args,
         "--dbname", str(db["NAME"]), str(source)],
        env=env, capture_output=True, text=True,
    )  # fmt: skip
    if result.returncode:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()}")


def _safe_members(tar: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = []
    for member in tar.getmembers():
        parts = Path(member.name).parts
        if member.name.startswith("/") or ".." in parts:
            raise BackupError(f"unsafe path in the archive: {member.name}")
        if parts and parts[0] == MEDIA_DIR and member.isfile():
            members.append(member)
    return members


def restore(archive: Path, *, force_media: bool = False) -> dict[str, Any]:
    """Restore ``archive`` into the configured (empty) database and MEDIA_ROOT; returns the
    manifest. Check the result with :func:`verify`."""
    manifest = read_manifest(archive)
    if manifest["vendor"] != _vendor():
        raise BackupError(
            f"the backup is of a {manifest['vendor']} database; the configured one is "
            f"{_vendor()} (DATABASE_URL)"
        )
    keys = manifest["keys"]
    missing = sorted(set(keys["key_ids_in_use"]) - set(settings.FULIAN_PD_KEYS["keys"]))
    if keys["fingerprint"] != pd.fingerprint() or missing:
        raise BackupError(
            "the personal-data keys differ from the backup's (index key fingerprint "
            f"{keys['fingerprint']}, configured {pd.fingerprint()}"
            + (f"; key ids missing: {', '.join(missing)}" if missing else "")
            + "): set FULIAN_PD_KEYS to the key file written by `backup --keys` first."
        )
    if not _database_is_empty():
        raise BackupError(
            "the configured database is not empty: restore into a new, empty database "
            "(create it, point DATABASE_URL at it, and run restore again)."
        )
    media_root = Path(settings.MEDIA_ROOT)
    if not force_media and any(_media_files(media_root)):
        raise BackupError(f"MEDIA_ROOT ({media_root}) is not empty (--force-media overwrites)")
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(archive, "r:gz") as tar:
        media = _safe_members(tar)
        tar.extract(manifest["database"], tmp, filter="data")
        _restore_database(manifest, Path(tmp))
        media_root.mkdir(parents=True, exist_ok=True)
        for member in media:
            member.name = member.name[len(MEDIA_DIR) + 1 :]
            tar.extract(member, media_root, filter="data")
    return manifest


def verify(manifest: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The restored data's snapshot and how it differs from the backup's (empty: equal)."""
    expected = manifest["snapshot"]
    actual = snapshot(org_codes=expected["org_codes"], years=expected["years"])
    problems = differences(expected, actual)
    media = media_summary(Path(settings.MEDIA_ROOT))
    if media != manifest["media"]:
        problems.append(f"media: backup {manifest['media']}, restored {media}")
    return actual, problems
