"""Settings come from the environment: defaults, overrides, and refusals naming the variable."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({k: str(getattr(s, k)) for k in %r}))"
)


def load(tmp_path, names, **env):
    """Import the settings in a fresh interpreter with exactly this environment."""
    base = {k: v for k, v in os.environ.items() if not k.isupper() or k in ("PATH", "HOME")}
    base |= {"DJANGO_SETTINGS_MODULE": "trackflow.settings", "TRACKFLOW_DATA_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", PROBE % (names,)],
        cwd=ROOT,
        env=base | env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return result


def test_defaults_work_on_a_laptop(tmp_path):
    names = [
        "DEBUG",
        "ALLOWED_HOSTS",
        "DATABASES",
        "Q_CLUSTER",
        "SPOTIFY_SANDBOX",
        "SPOTIFY_API_URL",
        "SPOTIFY_ACCOUNTS_URL",
        "DOWNLOAD_BACKEND",
        "MEDIA_ROOT",
        "DOWNLOAD_PATH_TEMPLATE",
        "SPOTIFY_REDIRECT_URI",
        "SECRET_KEY",
    ]
    result = load(tmp_path, names)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["DEBUG"] == "False"
    assert values["ALLOWED_HOSTS"] == "['127.0.0.1', 'localhost']"
    assert f"{tmp_path}/trackflow.sqlite3" in values["DATABASES"]
    assert "'transaction_mode': 'IMMEDIATE'" in values["DATABASES"]
    assert "journal_mode=WAL" in values["DATABASES"]
    assert "'orm': 'default'" in values["Q_CLUSTER"] and "redis" not in values["Q_CLUSTER"]
    assert values["SPOTIFY_SANDBOX"] == "True"
    assert values["SPOTIFY_API_URL"] == "http://127.0.0.1:8000/sandbox/v1"
    assert values["SPOTIFY_ACCOUNTS_URL"] == "http://127.0.0.1:8000/sandbox/accounts"
    assert values["DOWNLOAD_BACKEND"] == "http"
    assert values["MEDIA_ROOT"] == str(tmp_path / "media")
    assert values["SPOTIFY_REDIRECT_URI"] == "http://127.0.0.1:8000/spotify/callback/"
    # a key is generated once and kept, so sessions survive restarts
    assert values["SECRET_KEY"] == (tmp_path / "secret_key").read_text()
    assert json.loads(load(tmp_path, ["SECRET_KEY"]).stdout)["SECRET_KEY"] == values["SECRET_KEY"]


def test_environment_overrides_defaults(tmp_path):
    names = [
        "DEBUG",
        "ALLOWED_HOSTS",
        "DATABASES",
        "Q_CLUSTER",
        "SPOTIFY_SANDBOX",
        "SPOTIFY_API_URL",
        "DOWNLOAD_BACKEND",
        "SECRET_KEY",
        "SESSION_COOKIE_SECURE",
    ]
    result = load(
        tmp_path,
        names,
        DEBUG="true",
        ALLOWED_HOSTS="music.example.org,10.0.0.2",
        DATABASE_URL="postgres://tf:pw@db.internal:5433/tf",
        REDIS_URL="redis://cache:6379/1",
        Q_WORKERS="4",
        SPOTIFY_CLIENT_ID="abc",
        SPOTIFY_CLIENT_SECRET="def",
        SECRET_KEY="k" * 60,
        HTTPS_ONLY="yes",
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["DEBUG"] == "True"
    assert values["ALLOWED_HOSTS"] == "['music.example.org', '10.0.0.2']"
    assert "'HOST': 'db.internal'" in values["DATABASES"] and "'PORT': 5433" in values["DATABASES"]
    assert "'options': '-c jit=off'" in values["DATABASES"]
    assert "'redis': 'redis://cache:6379/1'" in values["Q_CLUSTER"]
    assert "'workers': 4" in values["Q_CLUSTER"] and "'orm'" not in values["Q_CLUSTER"]
    assert values["SPOTIFY_SANDBOX"] == "False"
    assert values["SPOTIFY_API_URL"] == "https://api.spotify.com/v1"
    assert values["DOWNLOAD_BACKEND"] == "ytdlp"
    assert values["SECRET_KEY"] == "k" * 60
    assert values["SESSION_COOKIE_SECURE"] == "True"


@pytest.mark.parametrize(
    ("query", "options"),
    [
        ("?options=-c%20statement_timeout%3D5000", "-c statement_timeout=5000 -c jit=off"),
        ("?options=-c%20jit%3Don", "-c jit=on"),
    ],
)
def test_postgresql_options_in_the_url_are_kept_and_jit_is_off_unless_they_set_it(
    tmp_path, query, options
):
    url = f"postgres://tf:pw@db.internal:5433/tf{query}"
    result = load(tmp_path, ["DATABASES"], DATABASE_URL=url)
    assert result.returncode == 0, result.stderr
    assert f"'options': '{options}'" in json.loads(result.stdout)["DATABASES"]


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("DEBUG", "maybe", "DEBUG must be true or false, got 'maybe'"),
        ("Q_WORKERS", "many", "Q_WORKERS must be a whole number, got 'many'"),
        ("Q_WORKERS", "0", "Q_WORKERS must be at least 1"),
        ("SPOTIFY_API_URL", "ftp://x", "SPOTIFY_API_URL must be an http(s) URL"),
        ("DATABASE_URL", "nosuchdb://x", "DATABASE_URL"),
        ("REDIS_URL", "http://cache", "REDIS_URL must be a redis:// URL"),
        ("DOWNLOAD_BACKEND", "torrent", "DOWNLOAD_BACKEND must be one of http, ytdlp"),
        ("HTTPS_ONLY", "2", "HTTPS_ONLY must be true or false"),
        ("TIME_ZONE", "Mars/Base", "TIME_ZONE must be an IANA time zone"),
        ("API_THROTTLE_USER", "5/fortnight", "API_THROTTLE_USER must be a number of requests"),
        ("API_THROTTLE_ANON", "lots", "API_THROTTLE_ANON must be a number of requests"),
    ],
)
def test_a_bad_value_stops_start_up_naming_the_variable(tmp_path, name, value, expected):
    result = load(tmp_path, ["DEBUG"], **{name: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert expected in result.stderr


def test_a_new_data_dir_is_for_its_owner_only(tmp_path):
    data = tmp_path / "fresh"

    result = load(data, ["DEBUG"])

    assert result.returncode == 0, result.stderr
    assert data.stat().st_mode & 0o777 == 0o700


def test_a_command_names_a_bad_variable_in_one_line(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.isupper() or k in ("PATH", "HOME")}
    env |= {"TRACKFLOW_DATA_DIR": str(tmp_path), "Q_WORKERS": "many"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert result.stderr == "cannot start: Q_WORKERS must be a whole number, got 'many'\n"


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.isupper() or k in ("PATH", "HOME")}
    env |= {
        "TRACKFLOW_DATA_DIR": str(tmp_path),
        "HTTPS_ONLY": "true",
        "DEBUG": "false",
        "SECRET_KEY": "x7Gq9!v2Lr0@pZ4#mN8$kW1%tY6^bC3&hJ5*dF0(sA9)eR2_uI7+oP4=lK8-zX1",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
