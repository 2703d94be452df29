"""gunicorn settings for Fulian: `make run` and the systemd unit (deploy/systemd/fulian.service)
both start `gunicorn -c deploy/gunicorn.conf.py fulian.wsgi`.

Every value can be overridden from the environment (or on the command line):
FULIAN_BIND, FULIAN_WORKERS, FULIAN_THREADS, FULIAN_TIMEOUT.
"""

import os
import shutil
import tempfile
from pathlib import Path

wsgi_app = "fulian.wsgi:application"
bind = os.environ.get("FULIAN_BIND", "127.0.0.1:8000")
# Two cores: 2 × cores + 1 sync workers, at most 8 (each holds one database connection).
workers = int(os.environ.get("FULIAN_WORKERS", min(2 * (os.cpu_count() or 1) + 1, 8)))
threads = int(os.environ.get("FULIAN_THREADS", "1"))
timeout = int(os.environ.get("FULIAN_TIMEOUT", "60"))  # a PDF or a roster import may take a while
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then (memory held by big imports and PDFs comes back).
max_requests = 2000
max_requests_jitter = 200
# The reverse proxy on this host sets X-Forwarded-Proto (HTTPS); trust it from here only.
forwarded_allow_ips = os.environ.get("FULIAN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# The application writes one JSON line per request (fulian.request, with the request id and
# without the query string), so gunicorn's own access log stays off; errors go to stderr.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("FULIAN_GUNICORN_LOGLEVEL", "info")
proc_name = "fulian"
# gunicorn ≥ 24 opens a control socket under $HOME; nothing here uses it.
control_socket_disable = True

# Metrics of all workers are summed (prometheus_client's multiprocess mode): a directory the
# workers share, emptied when gunicorn starts. systemd gives /run/fulian/metrics; otherwise
# (`make run`) a fresh directory of this server's own, removed when it stops, so that two
# servers on one machine never share (or empty) each other's figures.
_OWN_METRICS_DIR = "PROMETHEUS_MULTIPROC_DIR" not in os.environ
if _OWN_METRICS_DIR:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="fulian-metrics-")
METRICS_DIR = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
METRICS_DIR.mkdir(parents=True, mode=0o700, exist_ok=True)


def on_starting(server):
    shutil.rmtree(METRICS_DIR, ignore_errors=True)
    METRICS_DIR.mkdir(parents=True, mode=0o700)


def on_exit(server):
    if _OWN_METRICS_DIR:
        shutil.rmtree(METRICS_DIR, ignore_errors=True)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def when_ready(server):
    # The command line (`make run`'s --bind) may override this file's values: show what runs.
    server.log.info(
        "Fulian is serving on http://%s with %s workers",
        ", ".join(server.cfg.bind),
        server.cfg.workers,
    )
