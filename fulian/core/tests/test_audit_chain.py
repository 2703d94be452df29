"""The audit trail lasts: every audit and access-log entry is in an SM3 hash chain once its
transaction commits, `verify_audit` names each kind of tampering, `prune_audit` keeps 180
days and archives before it removes, `auditlogflush` is refused, and the lockout records
are cleaned up."""

import datetime
import gzip
import io
import json

import pytest
import time_machine
from auditlog.models import LogEntry
from axes.models import AccessAttempt
from axes.models import AccessLog as LoginLog
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import timezone

from fulian.core import audit_chain
from fulian.core.models import AccessLog, AuditCheckpoint, AuditLink, log_access
from fulian.core.testing import build_cast
from fulian.orgs import services
from fulian.orgs.models import OrgKind

pytestmark = pytest.mark.django_db(transaction=True)


def _unit(cast, name="皂郊镇卫生院妇委会"):
    return services.create_org(
        actor=cast.district_admin, parent=cast.town_a, name=name, kind=OrgKind.INSTITUTION
    )


def _verify(**kwargs):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_audit", stdout=out, stderr=err, **kwargs)
    except CommandError as exc:
        return False, out.getvalue(), err.getvalue() + str(exc)
    return True, out.getvalue(), err.getvalue()


def test_every_entry_is_chained_once_its_transaction_commits(cast):
    unit = _unit(cast)
    log_access(user=cast.district_admin, obj=unit, field="id_number", reason="核对")
    entries = LogEntry.objects.count() + AccessLog.objects.count()
    assert entries > 2
    assert AuditLink.objects.count() == entries
    links = list(AuditLink.objects.order_by("pk"))
    prev = audit_chain.GENESIS
    for link in links:
        source = audit_chain.SOURCES[link.source]
        row = audit_chain.rows(source, [link.entry_id])[link.entry_id]
        assert link.prev_hash == prev
        assert link.entry_hash == audit_chain.entry_hash(row)
        assert link.hash == audit_chain.link_hash(prev, link.source, link.entry_id, link.entry_hash)
        prev = link.hash
    assert len(prev) == 64
    # The last two links are this test's org and its reveal, in the order they were written.
    assert [(lk.source, lk.entry_id) for lk in links[-2:]] == [
        ("auditlog", LogEntry.objects.get(object_pk=str(unit.pk)).pk),
        ("access", AccessLog.objects.get().pk),
    ]
    ok, out, err = _verify()
    assert ok, err
    assert f"Audit chain: {entries} links, head {links[-1].pk} {prev}" in out


def test_a_rolled_back_transaction_leaves_no_link_and_the_chain_goes_on(cast):
    before = AuditLink.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        _unit(cast, "回滚的单位")
        raise RuntimeError("abandon")
    assert AuditLink.objects.count() == before
    with transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            _unit(cast, "回滚的单位")
            raise RuntimeError("abandon the savepoint only")
        unit = _unit(cast, "留下的单位")
    entry = LogEntry.objects.get(object_pk=str(unit.pk))
    assert AuditLink.objects.count() == before + 1
    assert AuditLink.objects.latest("pk").entry_id == entry.pk
    assert _verify()[0]


def test_verify_audit_names_each_kind_of_tampering(cast):
    units = [_unit(cast, f"单位{i}") for i in range(4)]
    ids = [LogEntry.objects.get(object_pk=str(u.pk)).pk for u in units]
    links = {lk.entry_id: lk.pk for lk in AuditLink.objects.filter(source="auditlog")}
    table, quote = LogEntry._meta.db_table, connection.ops.quote_name
    with connection.cursor() as cursor:
        # Behind the application's back: one entry changed, one removed, one link removed,
        # one access-log row slipped in.
        cursor.execute(
            f"UPDATE {quote(table)} SET remote_addr = '10.9.9.9' WHERE id = %s",
            [ids[0]],
        )
        cursor.execute(f"DELETE FROM {quote(table)} WHERE id = %s", [ids[1]])
        cursor.execute("DELETE FROM core_auditlink WHERE id = %s", [links[ids[2]]])
    forged = AccessLog.objects.bulk_create(
        [AccessLog(username="nobody", target_model="people.person", target_id="1", field="id")]
    )[0]
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=10)):
        ok, _out, err = _verify()
    assert not ok
    next_link = AuditLink.objects.filter(pk__gt=links[ids[2]]).order_by("pk").first()
    # (On PostgreSQL as the tables' owner, a warning about the role comes first: see
    # test_audit_role.py.)
    assert [line for line in err.splitlines() if not line.startswith("WARNING:")] == [
        f"link {links[ids[0]]} (auditlog entry {ids[0]}): the entry was changed after it was "
        "written",
        f"link {links[ids[1]]} (auditlog entry {ids[1]}): the entry was removed",
        f"link {next_link.pk} (auditlog entry {next_link.entry_id}): does not follow the link "
        "before it (a link was removed or changed)",
        "2 entries are not in the chain (written past the application, or their chaining "
        f"failed): auditlog#{ids[2]}, access#{forged.pk}",
        "The audit trail fails its check: 3 problems, 2 entries not in the chain.",
    ]


def test_entries_just_written_are_not_reported_before_their_commit_chains_them(cast):
    AccessLog.objects.bulk_create(
        [AccessLog(username="x", target_model="people.person", target_id="1", field="id")]
    )
    assert _verify()[0]  # within the grace period
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=10)):
        assert not _verify()[0]
        out = io.StringIO()
        call_command("verify_audit", "--chain-missing", stdout=out, stderr=io.StringIO())
        assert "Added 1 entries to the chain: access#" in out.getvalue()
        assert _verify()[0]


def test_auditlogflush_is_refused_and_removes_nothing(cast):
    _unit(cast)
    count = LogEntry.objects.count()
    for args in ([], ["-y"], ["-y", "--truncate"], ["-y", "--before-date", "2030-01-01"]):
        with pytest.raises(CommandError, match="auditlogflush is disabled: the audit trail is"):
            call_command("auditlogflush", *args)
    assert LogEntry.objects.count() == count
    assert _verify()[0]


@pytest.fixture
def old_and_new(transactional_db):
    """The cast, two org entries and a reveal written 200 days ago, one org entry today."""
    with time_machine.travel(timezone.now() - datetime.timedelta(days=200)):
        cast = build_cast()
        old = [_unit(cast, "旧单位甲"), _unit(cast, "旧单位乙")]
        log_access(user=cast.district_admin, obj=old[0], field="phone", reason="旧")
    new = _unit(cast, "新单位")
    return cast, old, new


def test_prune_audit_archives_entries_past_180_days_then_removes_them(old_and_new, tmp_path):
    cast, old, new = old_and_new
    old_entries = set(
        LogEntry.objects.filter(object_pk__in=[str(u.pk) for u in old]).values_list("pk", flat=True)
    )
    kept_links = AuditLink.objects.filter(at__gte=timezone.now() - datetime.timedelta(days=180))
    kept = kept_links.count()
    first_kept = kept_links.order_by("pk").first()
    archived_links = AuditLink.objects.filter(pk__lt=first_kept.pk).count()

    out = io.StringIO()
    call_command("prune_audit", "--archive-dir", str(tmp_path), stdout=out)

    archive = next(tmp_path.glob("fulian-audit-*.jsonl.gz"))
    assert archive.stat().st_mode & 0o777 == 0o600
    assert f"Archived {archived_links} links and {archived_links} entries older than 180 days" in (
        out.getvalue()
    )
    assert not LogEntry.objects.filter(pk__in=old_entries).exists()
    assert not AccessLog.objects.exists()
    assert LogEntry.objects.filter(object_pk=str(new.pk)).exists()
    assert AuditLink.objects.count() == kept
    checkpoint = AuditCheckpoint.objects.get()
    assert checkpoint.archive == archive.name
    assert first_kept.prev_hash == checkpoint.last_hash

    with gzip.open(archive, "rt", encoding="utf-8") as f:
        header, *lines = [json.loads(line) for line in f]
    assert header["links"] == len(lines) == archived_links
    assert header["prev_hash"] == audit_chain.GENESIS
    assert {
        line["entry"]["object_repr"] for line in lines if line["link"]["source"] == "auditlog"
    } >= {
        "旧单位甲",
        "旧单位乙",
    }
    assert [line["entry"]["field"] for line in lines if line["link"]["source"] == "access"] == [
        "phone"
    ]
    assert audit_chain.verify_archive(archive)[1] == []
    ok, _out, err = _verify(archives=str(tmp_path))
    assert ok, err

    # Run again: nothing is old enough. New entries follow the checkpoint.
    out = io.StringIO()
    call_command("prune_audit", "--archive-dir", str(tmp_path), stdout=out)
    assert out.getvalue() == "Nothing is older than 180 days.\n"
    _unit(cast, "再新单位")
    assert _verify(archives=str(tmp_path))[0]


def test_prune_audit_never_keeps_less_than_180_days(old_and_new, tmp_path):
    count = LogEntry.objects.count()
    with pytest.raises(CommandError, match="audit entries are kept at least 180 days"):
        call_command("prune_audit", "--days", "179", "--archive-dir", str(tmp_path))
    assert LogEntry.objects.count() == count
    assert list(tmp_path.iterdir()) == []


def test_prune_audit_refuses_a_broken_chain_and_removes_nothing(old_and_new, tmp_path):
    _cast, old, _new = old_and_new
    entry = LogEntry.objects.get(object_pk=str(old[1].pk))
    LogEntry.objects.filter(pk=entry.pk).update(object_repr="改过的名字")
    count = LogEntry.objects.count()
    with pytest.raises(CommandError, match=r"the part of the chain to archive has 1 problems"):
        call_command("prune_audit", "--archive-dir", str(tmp_path))
    assert LogEntry.objects.count() == count
    assert not AuditCheckpoint.objects.exists()
    assert list(tmp_path.iterdir()) == []


def test_a_changed_archive_is_found(old_and_new, tmp_path):
    call_command("prune_audit", "--archive-dir", str(tmp_path), stdout=io.StringIO())
    archive = next(tmp_path.glob("*.jsonl.gz"))
    with gzip.open(archive, "rt", encoding="utf-8") as f:
        text = f.read()
    with gzip.open(archive, "wt", encoding="utf-8") as f:
        f.write(text.replace("旧单位乙", "别的单位"))
    ok, _out, err = _verify(archives=str(tmp_path))
    assert not ok
    checkpoint = AuditCheckpoint.objects.get()
    assert f"checkpoint {checkpoint.pk}: {archive} was changed since it was written" in err
    assert "the entry was changed after it was written" in err


def test_cleanup_lockouts_removes_only_what_has_expired(cast):
    now = timezone.now()
    for username, minutes in (("expired", 31), ("locked", 5)):
        attempt = AccessAttempt.objects.create(
            username=username, ip_address="10.0.0.1", user_agent="t", failures_since_start=5
        )
        AccessAttempt.objects.filter(pk=attempt.pk).update(
            attempt_time=now - datetime.timedelta(minutes=minutes)
        )
    for username, days in (("old-login", 181), ("recent-login", 179)):
        login = LoginLog.objects.create(username=username, ip_address="10.0.0.1", user_agent="t")
        LoginLog.objects.filter(pk=login.pk).update(
            attempt_time=now - datetime.timedelta(days=days)
        )
    out = io.StringIO()
    call_command("cleanup_lockouts", stdout=out)
    assert out.getvalue() == (
        "Removed 1 expired lockout records, 1 login records and 0 failure records older than "
        "180 days.\n"
    )
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["locked"]
    assert list(LoginLog.objects.values_list("username", flat=True)) == ["recent-login"]
