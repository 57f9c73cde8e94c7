"""GET /healthz: 200 when the database and queue answer, 503 naming the part that does not."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import django, json; django.setup(); from django.test import Client; "
    "r = Client().get('/healthz', HTTP_HOST='127.0.0.1'); "
    "print(json.dumps({'status': r.status_code, 'body': json.loads(r.content)}))"
)


def probe(tmp_path, **env) -> dict:
    """Ask /healthz of a process whose database or broker is really unreachable."""
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    base |= {"DJANGO_SETTINGS_MODULE": "trackflow.settings", "TRACKFLOW_DATA_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=base | env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.django_db
def test_healthy_when_database_and_queue_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "queue": "ok"}


def test_unhealthy_when_the_database_is_unreachable(tmp_path):
    answer = probe(tmp_path, DATABASE_URL="sqlite:////nonexistent-dir/trackflow.sqlite3")
    assert answer["status"] == 503
    assert answer["body"]["status"] == "unhealthy"
    assert answer["body"]["database"].startswith("OperationalError: unable to open database")


def test_unhealthy_when_the_redis_broker_is_unreachable(tmp_path):
    answer = probe(tmp_path, REDIS_URL="redis://127.0.0.1:1/0")
    assert answer["status"] == 503
    assert answer["body"]["database"] == "ok"
    assert answer["body"]["queue"].startswith("ConnectionError")
