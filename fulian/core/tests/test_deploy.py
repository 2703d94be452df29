"""The deployment files in deploy/ are valid where this machine can check them: the gunicorn
config loads the application, nginx accepts the site (when nginx is installed) and systemd
accepts the units (when systemd-analyze is there); the wheel carries every non-Python file."""

import fnmatch
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
DEPLOY = ROOT / "deploy"
VENV_BIN = Path(sys.executable).parent


def test_gunicorn_config_loads_the_application(tmp_path, monkeypatch):
    gunicorn = VENV_BIN / "gunicorn"
    result = subprocess.run(
        [str(gunicorn), "-c", str(DEPLOY / "gunicorn.conf.py"), "--check-config"],
        cwd=ROOT,
        env={
            **os.environ,
            "FULIAN_WORKERS": "3",
            "FULIAN_BIND": "127.0.0.1:8123",
            "PROMETHEUS_MULTIPROC_DIR": str(tmp_path),
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    import runpy

    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    config = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    assert config["wsgi_app"] == "fulian.wsgi:application"
    assert config["accesslog"] is None  # the application logs requests, without queries
    assert config["forwarded_allow_ips"] == "127.0.0.1,::1"


def test_nginx_accepts_the_site(tmp_path):
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else "")
    if not nginx:
        pytest.skip("nginx is not installed (apt-get install nginx-light)")
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "fulian.example.gov.cn")])
    import datetime

    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(1).not_valid_before(now).not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    (tmp_path / "fulian.crt").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "fulian.key").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    site = (DEPLOY / "nginx" / "fulian.conf").read_text()
    site = site.replace("/etc/nginx/ssl/", f"{tmp_path}/").replace(
        "/var/log/nginx/", f"{tmp_path}/"
    )
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid; error_log {tmp_path}/error.log;\n"
        f"events {{}}\nhttp {{ access_log off; include {tmp_path}/site.conf; }}\n"
    )
    result = subprocess.run(
        [nginx, "-t", "-q", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


def test_systemd_accepts_the_units(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if not analyze:
        pytest.skip("systemd-analyze is not installed")
    units = sorted((DEPLOY / "systemd").iterdir())
    names = {u.name for u in units}
    for job in ("clearsessions", "lockout-cleanup", "prune-audit", "backup"):
        assert {f"fulian-{job}.service", f"fulian-{job}.timer"} <= names
    # The units name the installed paths; point them at this checkout's virtualenv.
    for unit in units:
        text = unit.read_text().replace("/opt/fulian/venv/bin/", f"{VENV_BIN}/")
        (tmp_path / unit.name).write_text(text)
    result = subprocess.run(
        [analyze, "verify", "--man=no", *[str(tmp_path / u.name) for u in units]],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "SYSTEMD_LOG_LEVEL": "warning"},
    )
    problems = [
        line
        for line in (result.stdout + result.stderr).splitlines()
        # Outside a booted systemd (containers, CI) these say nothing about our files.
        if line.strip()
        and not re.search(
            r"System has not been booted|Failed to connect to bus|not running|"
            r"user fulian|Unit .*\.(target|service) not found|/etc/fulian/",
            line,
        )
    ]
    assert problems == []


def test_the_wheel_carries_every_file_the_application_reads():
    import subprocess as sp

    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"
    ]["*"]
    tracked = sp.run(
        ["git", "ls-files", "fulian"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    missing = []
    for path in tracked:
        if path.endswith(".py") or "/tests/" in path:
            continue
        parts = Path(path).parts
        # Relative to its package: the nearest directory above with an __init__.py.
        for i in range(len(parts) - 1, 0, -1):
            if (ROOT / Path(*parts[:i]) / "__init__.py").exists():
                rel = Path(*parts[i:]).as_posix()
                break
        if not any(fnmatch.fnmatch(rel, p.replace("**/", "*")) for p in patterns):
            missing.append(path)
    assert missing == []
