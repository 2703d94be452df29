"""An audit trail that lasts: a hash chain over the audit log (django-auditlog's entries) and
the access log (``core.models.AccessLog``), its check, its retention, and the database role
that cannot rewrite it.

**The chain.** Every entry gets one ``AuditLink``: the SM3 digest of the entry's fields
(``entry_hash``) and of the previous link (``hash = SM3(prev_hash, source, entry id,
entry_hash)``). An entry changed afterwards no longer matches its ``entry_hash``; an entry
removed leaves its link pointing at nothing; a link removed or changed breaks the next
link's ``prev_hash``; an entry written past the application has no link. ``verify_audit``
walks the chain and says which. SM3 (GB/T 32905) because the personal data already uses the
national algorithms.

**When a link is written.** A ``post_save`` receiver (connected in ``CoreConfig.ready``) is
the one hook that sees every entry, including those auditlog writes itself; it does not chain
the entry there but after the entry's transaction commits (``transaction.on_commit``), in a
short transaction of its own that takes the chain's lock (a PostgreSQL advisory lock; on
SQLite every write transaction is already exclusive). Chaining inside the writer's
transaction would hold that lock for the rest of it and could deadlock two writers that lock
rows in different orders. An entry whose chaining failed is logged and reported by
``verify_audit`` as not in the chain.

**What it does not do.** The chain has no secret key: who can write the link table can
rebuild it. On PostgreSQL the application therefore connects as a role that may only SELECT
and INSERT the audit tables (``grant_app_role``); the owner role runs migrations and
``prune_audit``. Removing the newest links together with their entries is seen only by
comparing the chain's head with one written down earlier: ``verify_audit`` prints it, and the
daily timer leaves it in the journal.

**Retention.** ``prune_audit`` keeps at least 180 days (``FULIAN_AUDIT_RETENTION_DAYS``): it
checks the part of the chain that is past retention, writes it with its entries to an
archive file (JSON lines, gzip, mode 600), reads the archive back, and only then removes those
entries and links, leaving an ``AuditCheckpoint`` where the chain starts again.
``auditlogflush`` is disabled (``core/auditlog_guard``).
"""

from __future__ import annotations

import datetime
import decimal
import functools
import gzip
import hashlib
import json
import logging
import os
import threading
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes
from django.apps import apps as global_apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.models import Model
from django.utils import timezone

log = logging.getLogger("fulian.audit")

GENESIS = "0" * 64
ARCHIVE_FORMAT = 1
# pg_advisory_xact_lock key: "fulian audit chain".
LOCK_KEY = 0x46554C49414E4143
# An entry younger than this may still be waiting for its transaction's commit to be chained.
UNCHAINED_GRACE = datetime.timedelta(minutes=5)
BATCH = 1000


@dataclass(frozen=True)
class Source:
    """An audited table: its model and the fields its digest covers (named, so that a column
    a library adds later does not change the digest of old entries)."""

    name: str
    model: str
    fields: tuple[str, ...]
    time_field: str


SOURCES = {
    s.name: s
    for s in (
        Source(
            "auditlog",
            "auditlog.LogEntry",
            (
                "content_type_id",
                "object_pk",
                "object_id",
                "object_repr",
                "serialized_data",
                "action",
                "changes_text",
                "changes",
                "actor_id",
                "cid",
                "remote_addr",
                "remote_port",
                "timestamp",
                "additional_data",
                "actor_email",
            ),
            "timestamp",
        ),
        Source(
            "access",
            "core.AccessLog",
            (
                "at",
                "user_id",
                "username",
                "target_model",
                "target_id",
                "field",
                "reason",
                "ip",
                "org_path",
            ),
            "at",
        ),
    )
}
# The tables the application role may only read and append to.
AUDIT_MODELS = ("auditlog.LogEntry", "core.AccessLog", "core.AuditLink", "core.AuditCheckpoint")


class AuditChainError(Exception):
    """The chain cannot be pruned or archived; the message says why and what to do."""


# --- digests --------------------------------------------------------------------------------


def sm3(data: bytes) -> str:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize().hex()


def _canon(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = value.astimezone(datetime.UTC)
        return value.isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    return str(value)  # e.g. an ipaddress object from an inet column


def canonical(row: dict[str, Any]) -> str:
    """The row as one canonical JSON text (sorted keys, UTC times): the same on SQLite and
    PostgreSQL, and the same again when read back from an archive."""
    return json.dumps(
        row, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_canon
    )


def entry_hash(row: dict[str, Any]) -> str:
    return sm3(canonical(row).encode())


def link_hash(prev_hash: str, source: str, entry_id: int, digest: str) -> str:
    return sm3(f"{prev_hash}\n{source}\n{entry_id}\n{digest}".encode())


# --- models ---------------------------------------------------------------------------------


def _model(label: str, apps: Any = None) -> type[Model]:
    return (apps or global_apps).get_model(label)


def rows(source: Source, ids: Iterable[int], *, apps: Any = None, using: str = DEFAULT_DB_ALIAS):
    """``{id: the fields the digest covers}`` of the entries that exist."""
    model = _model(source.model, apps)
    found = {}
    ids = list(ids)
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        for row in (
            model._base_manager.using(using).filter(pk__in=chunk).values("pk", *source.fields)
        ):
            found[row.pop("pk")] = row
    return found


def lock(using: str = DEFAULT_DB_ALIAS) -> None:
    """Serialise writers of the chain until the end of the current transaction."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


def head(*, apps: Any = None, using: str = DEFAULT_DB_ALIAS) -> tuple[int | None, str]:
    """The last link's id and hash (after a prune that removed every link: the checkpoint's)."""
    link = _model("core.AuditLink", apps)._base_manager.using(using).order_by("-pk")
    last = link.values_list("pk", "hash").first()
    if last:
        return last
    checkpoint = _model("core.AuditCheckpoint", apps)._base_manager.using(using).order_by("-pk")
    cp = checkpoint.values_list("last_link_id", "last_hash").first()
    return cp if cp else (None, GENESIS)


def append(
    items: Iterable[tuple[str, int]], *, apps: Any = None, using: str = DEFAULT_DB_ALIAS
) -> int:
    """Chain the entries ``(source name, id)`` in this order after the current head; entries
    that no longer exist (their transaction rolled back) or are chained already are skipped.
    Returns how many links were written."""
    items = list(dict.fromkeys(items))
    if not items:
        return 0
    link_model = _model("core.AuditLink", apps)
    with transaction.atomic(using=using):
        lock(using)
        _, prev = head(apps=apps, using=using)
        found: dict[str, dict[int, dict[str, Any]]] = {}
        chained: set[tuple[str, int]] = set()
        for name in {source for source, _ in items}:
            ids = [pk for source, pk in items if source == name]
            found[name] = rows(SOURCES[name], ids, apps=apps, using=using)
            chained.update(
                (name, pk)
                for pk in link_model._base_manager.using(using)
                .filter(source=name, entry_id__in=ids)
                .values_list("entry_id", flat=True)
            )
        links = []
        now = timezone.now()
        for name, pk in items:
            row = found[name].get(pk)
            if row is None or (name, pk) in chained:
                continue
            digest = entry_hash(row)
            current = link_hash(prev, name, pk, digest)
            links.append(
                link_model(
                    at=now,
                    source=name,
                    entry_id=pk,
                    entry_hash=digest,
                    prev_hash=prev,
                    hash=current,
                )
            )
            prev = current
        link_model._base_manager.using(using).bulk_create(links, batch_size=BATCH)
    return len(links)


# --- chaining each entry after its transaction commits --------------------------------------

_state = threading.local()


def _pending(using: str) -> dict[tuple[str, int], None]:
    pending = getattr(_state, "pending", None)
    if pending is None:
        pending = _state.pending = {}
    return pending.setdefault(using, {})


def _flush(using: str) -> None:
    pending = _pending(using)
    items = list(pending)
    pending.clear()
    try:
        append(items, using=using)
    except DatabaseError:
        log.exception(
            "%d audit entries were not chained (verify_audit lists them): %s",
            len(items),
            ", ".join(f"{source}#{pk}" for source, pk in items[:20]),
        )


_flushers: dict[str, functools.partial[None]] = {}


def _flusher(using: str) -> functools.partial[None]:
    if using not in _flushers:
        _flushers[using] = functools.partial(_flush, using)
    return _flushers[using]


def note(source: str, pk: int, using: str = DEFAULT_DB_ALIAS) -> None:
    """Chain entry ``pk`` of ``source`` once its transaction has committed (at once outside a
    transaction). One flush per transaction chains all of its entries."""
    connection = connections[using]
    pending = _pending(using)
    flusher = _flusher(using)
    if not connection.in_atomic_block:
        pending[(source, pk)] = None
        _flush(using)
        return
    if not any(entry[1] is flusher for entry in connection.run_on_commit):
        # No flush is due: what is pending belongs to transactions that rolled back.
        pending.clear()
        transaction.on_commit(flusher, using=using)
    pending[(source, pk)] = None


def entry_saved(sender: type[Model], instance: Model, created: bool, **kwargs: Any) -> None:
    """``post_save`` receiver for the audited models (``CoreConfig.ready``)."""
    if not created or kwargs.get("raw"):
        return
    for source in SOURCES.values():
        if sender._meta.label == source.model:
            note(source.name, instance.pk, kwargs.get("using") or DEFAULT_DB_ALIAS)


# --- verification ---------------------------------------------------------------------------


@dataclass
class Report:
    links: int = 0
    head_id: int | None = None
    head_hash: str = GENESIS
    problems: list[str] = field(default_factory=list)
    unchained: list[tuple[str, int]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and not self.unchained


def _links_after(after: int, using: str) -> Iterator[list[dict[str, Any]]]:
    link_model = _model("core.AuditLink")
    while True:
        chunk = list(
            link_model._base_manager.using(using)
            .filter(pk__gt=after)
            .order_by("pk")
            .values("pk", "source", "entry_id", "entry_hash", "prev_hash", "hash")[:BATCH]
        )
        if not chunk:
            return
        yield chunk
        after = chunk[-1]["pk"]


def check_links(
    links: Iterable[dict[str, Any]], prev: str, entries: dict[str, dict[int, dict[str, Any]]]
) -> tuple[str, list[str]]:
    """Check consecutive links against their entries (``entries[source][id]``, absent when
    removed), starting after ``prev``. Returns the last hash and the problems found."""
    problems = []
    for link in links:
        where = f"link {link['pk']} ({link['source']} entry {link['entry_id']})"
        if link["prev_hash"] != prev:
            problems.append(
                f"{where}: does not follow the link before it (a link was removed or changed)"
            )
        if (
            link_hash(link["prev_hash"], link["source"], link["entry_id"], link["entry_hash"])
            != (link["hash"])
        ):
            problems.append(f"{where}: the link itself was changed")
        row = entries.get(link["source"], {}).get(link["entry_id"])
        if row is None:
            problems.append(f"{where}: the entry was removed")
        elif entry_hash(row) != link["entry_hash"]:
            problems.append(f"{where}: the entry was changed after it was written")
        prev = link["hash"]
    return prev, problems


def unchained(*, using: str = DEFAULT_DB_ALIAS, now: datetime.datetime | None = None):
    """Entries that have no link (older than the grace period): written past the application,
    or their chaining failed."""
    link_model = _model("core.AuditLink")
    cutoff = (now or timezone.now()) - UNCHAINED_GRACE
    found: list[tuple[str, int]] = []
    for source in SOURCES.values():
        chained = link_model._base_manager.using(using).filter(source=source.name)
        ids = (
            _model(source.model)
            ._base_manager.using(using)
            .filter(**{f"{source.time_field}__lt": cutoff})
            .exclude(pk__in=chained.values("entry_id"))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        found.extend((source.name, pk) for pk in ids.iterator())
    return found


def verify(*, using: str = DEFAULT_DB_ALIAS) -> Report:
    """Walk the whole chain: every link follows the one before it (the first follows the last
    checkpoint), every entry is unchanged, and every entry is in the chain."""
    report = Report()
    checkpoint = (
        _model("core.AuditCheckpoint")
        ._base_manager.using(using)
        .order_by("-pk")
        .values("last_link_id", "last_hash")
        .first()
    )
    after, prev = (
        (checkpoint["last_link_id"], checkpoint["last_hash"]) if checkpoint else (0, GENESIS)
    )
    if checkpoint:
        stale = _model("core.AuditLink")._base_manager.using(using).filter(pk__lte=after).count()
        if stale:
            report.problems.append(
                f"{stale} links up to {after} are still there although they were archived"
            )
    report.head_id = checkpoint["last_link_id"] if checkpoint else None
    for chunk in _links_after(after, using):
        entries = {
            name: rows(
                source, [lk["entry_id"] for lk in chunk if lk["source"] == name], using=using
            )
            for name, source in SOURCES.items()
        }
        prev, problems = check_links(chunk, prev, entries)
        report.problems.extend(problems)
        report.links += len(chunk)
        report.head_id = chunk[-1]["pk"]
    report.head_hash = prev
    report.unchained = unchained(using=using)
    return report


# --- retention ------------------------------------------------------------------------------


def _write_archive(path: Path, header: dict[str, Any], lines: Iterable[dict[str, Any]]) -> str:
    """Write the archive under a temporary name, flush it to disk, then give it its name;
    returns its SHA-256."""
    partial = path.with_name(path.name + ".partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as raw:
        with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as out:
            out.write((canonical(header) + "\n").encode())
            for line in lines:
                out.write((canonical(line) + "\n").encode())
        raw.flush()
        os.fsync(raw.fileno())
    partial.replace(path)
    return hashlib.sha256(path.read_bytes()).hexdigest()


def verify_archive(path: Path) -> tuple[dict[str, Any], list[str]]:
    """An archive written by :func:`prune`: its header and the problems of its chain."""
    try:
        with gzip.open(path, "rt", encoding="utf-8") as archive:
            header = json.loads(archive.readline())
            links: list[dict[str, Any]] = []
            entries: dict[str, dict[int, dict[str, Any]]] = {}
            for text in archive:
                line = json.loads(text)
                link = line["link"]
                links.append(link)
                if line["entry"] is not None:
                    entries.setdefault(link["source"], {})[link["entry_id"]] = line["entry"]
    except (OSError, ValueError, KeyError) as exc:
        raise AuditChainError(f"{path} is not an audit archive ({exc})") from exc
    if header.get("format") != ARCHIVE_FORMAT:
        raise AuditChainError(
            f"{path}: archive format {header.get('format')} is not {ARCHIVE_FORMAT}"
        )
    last, problems = check_links(links, header["prev_hash"], entries)
    if len(links) != header["links"]:
        problems.append(f"{path}: {len(links)} links, the header says {header['links']}")
    if last != header["last_hash"]:
        problems.append(f"{path}: the chain ends in {last}, the header says {header['last_hash']}")
    return header, problems


def audit_tables() -> list[str]:
    return [_model(label)._meta.db_table for label in AUDIT_MODELS]


def _privileges(using: str, wanted: Iterable[tuple[str, str]]) -> list[tuple[str, str, bool]]:
    """On PostgreSQL, whether the connected role holds each ``(table, privilege)``."""
    connection = connections[using]
    found = []
    with connection.cursor() as cursor:
        for table, privilege in wanted:
            cursor.execute("SELECT has_table_privilege(current_user, %s, %s)", [table, privilege])
            found.append((table, privilege, bool(cursor.fetchone()[0])))
    return found


def writable_audit_tables(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """On PostgreSQL, the audit tables the connected role may UPDATE, DELETE or TRUNCATE
    (the application's role should have none)."""
    if connections[using].vendor != "postgresql":
        return []
    held = _privileges(
        using, [(t, p) for t in audit_tables() for p in ("UPDATE", "DELETE", "TRUNCATE")]
    )
    return list(dict.fromkeys(table for table, _p, ok in held if ok))


def missing_prune_privileges(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """On PostgreSQL, what the connected role lacks to run :func:`prune`."""
    if connections[using].vendor != "postgresql":
        return []
    entries = [_model(s.model)._meta.db_table for s in SOURCES.values()]
    links = _model("core.AuditLink")._meta.db_table
    checkpoints = _model("core.AuditCheckpoint")._meta.db_table
    wanted = [(t, "DELETE") for t in [*entries, links]] + [(checkpoints, "INSERT")]
    return [f"{p} on {t}" for t, p, ok in _privileges(using, wanted) if not ok]


@dataclass
class Pruned:
    entries: int
    links: int
    archive: Path
    checkpoint: Any


def prune(
    *,
    days: int,
    archive_dir: Path,
    now: datetime.datetime | None = None,
    despite_problems: bool = False,
    using: str = DEFAULT_DB_ALIAS,
) -> Pruned | None:
    """Archive, then remove, the entries and links older than ``days`` (≥ the retention
    minimum); ``None`` when there is nothing that old."""
    minimum = settings.FULIAN_AUDIT_RETENTION_DAYS
    if days < minimum:
        raise AuditChainError(
            f"audit entries are kept at least {minimum} days (FULIAN_AUDIT_RETENTION_DAYS); "
            f"{days} is too few"
        )
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=days)
    link_model = _model("core.AuditLink")
    checkpoint_model = _model("core.AuditCheckpoint")
    manager = link_model._base_manager.using(using)
    with transaction.atomic(using=using):
        lock(using)
        first_kept = (
            manager.filter(at__gte=cutoff).order_by("pk").values_list("pk", flat=True).first()
        )
        old = manager.all() if first_kept is None else manager.filter(pk__lt=first_kept)
        links = list(
            old.order_by("pk").values(
                "pk", "at", "source", "entry_id", "entry_hash", "prev_hash", "hash"
            )
        )
        if not links:
            return None
        last_cp = (
            checkpoint_model._base_manager.using(using).order_by("-pk").values("last_hash").first()
        )
        start = last_cp["last_hash"] if last_cp else GENESIS
        entries = {
            name: rows(
                source, [lk["entry_id"] for lk in links if lk["source"] == name], using=using
            )
            for name, source in SOURCES.items()
        }
        last, problems = check_links(links, start, entries)
        if problems and not despite_problems:
            raise AuditChainError(
                f"the part of the chain to archive has {len(problems)} problems (first: "
                f"{problems[0]}); see verify_audit. --despite-problems archives it anyway and "
                "writes the problems into the archive."
            )
        archive_dir.mkdir(parents=True, exist_ok=True)
        path = archive_dir / (
            f"fulian-audit-{cutoff:%Y%m%d}-{links[0]['pk']}-{links[-1]['pk']}.jsonl.gz"
        )
        header = {
            "format": ARCHIVE_FORMAT,
            "kind": "fulian audit archive",
            "created": now,
            "cutoff": cutoff,
            "links": len(links),
            "prev_hash": start,
            "last_hash": last,
            "fields": {name: list(source.fields) for name, source in SOURCES.items()},
            "problems": problems,
        }
        sha256 = _write_archive(
            path,
            header,
            (
                {"link": link, "entry": entries[link["source"]].get(link["entry_id"])}
                for link in links
            ),
        )
        written, reread = verify_archive(path)
        if written["links"] != len(links) or (reread and not despite_problems):
            raise AuditChainError(f"{path} does not read back as written: {reread[:3]}")
        removed = 0
        for name, source in SOURCES.items():
            ids = [lk["entry_id"] for lk in links if lk["source"] == name]
            entry_manager = _model(source.model)._base_manager.using(using)
            for i in range(0, len(ids), BATCH):
                removed += entry_manager.filter(pk__in=ids[i : i + BATCH]).delete()[0]
        manager.filter(pk__lte=links[-1]["pk"]).delete()
        checkpoint = checkpoint_model._base_manager.using(using).create(
            at=now,
            cutoff=cutoff,
            last_link_id=links[-1]["pk"],
            last_hash=last,
            entries=removed,
            archive=path.name,
            archive_sha256=sha256,
        )
    return Pruned(entries=removed, links=len(links), archive=path, checkpoint=checkpoint)


def verify_archives(directory: Path, *, using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Every checkpoint's archive is in ``directory``, unchanged, and the archives chain into
    each other and into the chain in the database."""
    problems = []
    prev = GENESIS
    checkpoints = (
        _model("core.AuditCheckpoint")
        ._base_manager.using(using)
        .order_by("pk")
        .values("pk", "archive", "archive_sha256", "last_hash")
    )
    for cp in checkpoints:
        path = directory / cp["archive"]
        if not path.exists():
            problems.append(f"checkpoint {cp['pk']}: archive {path} is missing")
            prev = cp["last_hash"]
            continue
        if hashlib.sha256(path.read_bytes()).hexdigest() != cp["archive_sha256"]:
            problems.append(f"checkpoint {cp['pk']}: {path} was changed since it was written")
        header, found = verify_archive(path)
        problems.extend(found)
        if header["prev_hash"] != prev:
            problems.append(f"checkpoint {cp['pk']}: {path} does not follow the archive before it")
        if header["last_hash"] != cp["last_hash"]:
            problems.append(f"checkpoint {cp['pk']}: {path} does not end where the checkpoint says")
        prev = cp["last_hash"]
    return problems


# --- the application's database role (PostgreSQL) -------------------------------------------


def grant_statements(role: str, *, using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """SQL that gives ``role`` what the application needs: every table read and written, but
    the audit tables only read and appended to (and the checkpoints only read)."""
    connection = connections[using]
    quote = connection.ops.quote_name
    r = quote(role)
    audit = ", ".join(quote(_model(label)._meta.db_table) for label in AUDIT_MODELS)
    checkpoints = quote(_model("core.AuditCheckpoint")._meta.db_table)
    database = quote(str(connection.settings_dict["NAME"]))
    return [
        f"GRANT CONNECT ON DATABASE {database} TO {r}",
        f"GRANT USAGE ON SCHEMA public TO {r}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {r}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {r}",
        f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {audit} FROM {r}",
        f"REVOKE INSERT ON {checkpoints} FROM {r}",
        # Tables and sequences that later migrations create (run as the owner) follow.
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE "
        f"ON TABLES TO {r}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {r}",
    ]
