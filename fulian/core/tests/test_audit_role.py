"""PostgreSQL: the application's role (`grant_app_role`) writes every table but may only read
and append to the audit tables; the owner prunes, the application's role cannot."""

import io
import json
import os
import subprocess
import sys
import uuid

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from fulian.core import audit_chain
from fulian.core.models import log_access

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def app_role(db):
    if connection.vendor != "postgresql":
        pytest.skip("database roles are PostgreSQL's (DATABASE_URL=postgres://…)")
    role = f"fulian_app_{uuid.uuid4().hex[:8]}"
    call_command("grant_app_role", role, "--create", stdout=io.StringIO())
    yield role
    with connection.cursor() as cursor:
        cursor.execute(f'DROP OWNED BY "{role}"')
        cursor.execute(f'DROP ROLE "{role}"')


def _connect_as(role):
    import psycopg

    db = connection.settings_dict
    return psycopg.connect(
        dbname=db["NAME"],
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=role,
        autocommit=True,
    )


def _url(role):
    db = connection.settings_dict
    return f"postgres://{role}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def test_the_application_role_cannot_change_or_remove_audit_entries(cast, app_role):
    import psycopg

    log_access(user=cast.district_admin, obj=cast.town_a, field="phone", reason="核对")
    with _connect_as(app_role) as conn:
        # Appending is allowed, like the application does.
        conn.execute(
            "INSERT INTO core_accesslog (at, username, target_model, target_id, field, reason,"
            " org_path) VALUES (now(), 'x', 'orgs.org', '1', 'phone', '', '')"
        )
        for table in ("core_accesslog", "auditlog_logentry", "core_auditlink"):
            for sql in (
                f"UPDATE {table} SET id = id",
                f"DELETE FROM {table}",
                f"TRUNCATE {table}",
            ):
                with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied"):
                    conn.execute(sql)
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied"):
            conn.execute(
                "INSERT INTO core_auditcheckpoint (at, cutoff, last_link_id, last_hash, entries,"
                " archive, archive_sha256) VALUES (now(), now(), 1, '', 0, '', '')"
            )
        # Every other table is the application's to write.
        assert (
            conn.execute("UPDATE orgs_org SET name = name WHERE id = %s", [cast.town_a.pk]).rowcount
            == 1
        )
        assert conn.execute("SELECT count(*) FROM core_accesslog").fetchone()[0] == 2
    assert audit_chain.writable_audit_tables() == audit_chain.audit_tables()  # the owner


def test_the_application_role_verifies_but_cannot_prune(cast, app_role, tmp_path):
    env = dict(os.environ)
    env.update(
        DATABASE_URL=_url(app_role),
        FULIAN_PD_KEYS=json.dumps(settings.FULIAN_PD_KEYS),
        FULIAN_ENV="test",
    )

    def manage(*args):
        return subprocess.run(
            [sys.executable, str(settings.BASE_DIR / "manage.py"), *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    verify = manage("verify_audit")
    assert verify.returncode == 0, verify.stderr
    assert "WARNING" not in verify.stderr
    assert "Every audit and access-log entry is in the chain and unchanged." in verify.stdout
    prune = manage("prune_audit", "--archive-dir", str(tmp_path))
    assert prune.returncode == 1
    assert (
        "this database role lacks DELETE on auditlog_logentry, DELETE on core_accesslog, "
        "DELETE on core_auditlink, INSERT on core_auditcheckpoint"
    ) in prune.stderr
    assert list(tmp_path.iterdir()) == []


def test_grant_app_role_is_for_postgresql_only(db):
    if connection.vendor == "postgresql":
        pytest.skip("SQLite's answer")
    with pytest.raises(CommandError, match="grant_app_role is for PostgreSQL"):
        call_command("grant_app_role", "fulian_app")
