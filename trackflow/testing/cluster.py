"""Run a real django-q2 cluster (`manage.py qcluster`) against the test database."""

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    """The URL of the database the tests use now (the test database, not the real one)."""
    conf = connection.settings_dict
    if conf["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{conf['NAME']}"
    user = conf.get("USER") or ""
    password = f":{conf['PASSWORD']}" if conf.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    return f"postgres://{auth}{conf['HOST'] or '127.0.0.1'}:{conf['PORT'] or 5432}/{conf['NAME']}"


def start_cluster(workers: int = 2, **env: str) -> subprocess.Popen:
    environment = {**os.environ, "DATABASE_URL": database_url(), "Q_WORKERS": str(workers), **env}
    return subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "qcluster"],
        cwd=ROOT,
        env=environment,
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def stop_cluster(process: subprocess.Popen, *, kill: bool = False, timeout: float = 20) -> str:
    """Stop the cluster and its workers (SIGTERM, or SIGKILL to simulate a crash)."""
    if process.poll() is None:
        if kill:
            os.killpg(process.pid, signal.SIGKILL)
        else:
            process.send_signal(signal.SIGTERM)  # the sentinel stops its own workers
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
    with contextlib.suppress(ProcessLookupError):  # nothing of the group may outlive the test
        os.killpg(process.pid, signal.SIGKILL)
    return output.decode(errors="replace")


def wait_for(condition: Callable[[], bool], timeout: float = 60, interval: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()
