"""Production refuses to start without its secrets, passes check --deploy, and never
creates demo accounts."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
KEYS = json.dumps({"current": "k1", "keys": {"k1": "00" * 16}, "index_key": "11" * 32})
SECRET = "s" * 30 + "Q7x!" * 10


def _manage(*args, **env):
    environ = {
        k: v
        for k, v in os.environ.items()
        # The browser fixture sets DJANGO_ALLOW_ASYNC_UNSAFE for its own process; a deployed
        # server has no such variable (check --deploy warns about it).
        if k not in {"SECRET_KEY", "FULIAN_PD_KEYS", "FULIAN_ENV", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    environ.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check", FULIAN_ENV="production", FULIAN_PD_KEYS=KEYS)
    assert result.returncode != 0
    assert "Production needs SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_personal_data_keys():
    result = _manage("check", FULIAN_ENV="production", SECRET_KEY=SECRET)
    assert result.returncode != 0
    assert "Production needs FULIAN_PD_KEYS" in result.stderr


def test_production_settings_pass_check_deploy():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        FULIAN_ENV="production",
        SECRET_KEY=SECRET,
        FULIAN_PD_KEYS=KEYS,
        ALLOWED_HOSTS="fulian.example.org",
        CACHE_URL="redis://127.0.0.1:6379/1",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "security." not in result.stdout + result.stderr


def test_production_refuses_a_process_local_cache():
    result = _manage(
        "check",
        "--deploy",
        FULIAN_ENV="production",
        SECRET_KEY=SECRET,
        FULIAN_PD_KEYS=KEYS,
        ALLOWED_HOSTS="fulian.example.org",
    )
    assert result.returncode != 0
    assert "fulian.E001" in result.stdout + result.stderr


def test_production_never_loads_demo_accounts(tmp_path):
    result = _manage(
        "load_demo",
        FULIAN_ENV="production",
        SECRET_KEY=SECRET,
        FULIAN_PD_KEYS=KEYS,
        ALLOWED_HOSTS="fulian.example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    assert result.returncode != 0
    assert "load_demo never runs in production" in result.stderr
