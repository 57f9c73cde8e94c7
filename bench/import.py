"""Benchmark the Spotify import against the sandbox (DESIGN §7).

    .venv/bin/python bench/import.py [--liked 10000] [--playlists 50] [--size 200]

Prints the HTTP requests made (and the fewest the page sizes allow), SQL queries per page,
the import's wall time, the wall time of only fetching the same pages, their ratio (target
at most 2), and a second import with nothing changed (target under 10% of the first).

The sandbox runs as its own process on a loopback port, as Spotify is another machine; the
account is connected through the real OAuth code exchange. A temporary SQLite database.
"""

import argparse
import json
import math
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
REDIRECT_URI = "http://127.0.0.1:8000/spotify/callback/"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--liked", type=int, default=10_000)
    parser.add_argument("--playlists", type=int, default=50)
    parser.add_argument("--size", type=int, default=200)
    args = parser.parse_args()

    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    sandbox = subprocess.Popen(
        [sys.executable, "-m", "spotify_auth.sandbox", "--port", str(port)]
        + ["--tracks", str(args.liked), "--playlists", str(args.playlists)]
        + ["--playlist-size", str(args.size)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    try:
        _wait_for(base_url)
        _setup_django(base_url)
        run(base_url, args)
    finally:
        sandbox.terminate()
        sandbox.wait(timeout=10)


def _setup_django(base_url: str) -> None:
    tmp = tempfile.mkdtemp(prefix="trackflow-bench-")
    os.environ.update(
        DJANGO_SETTINGS_MODULE="trackflow.settings",
        TRACKFLOW_DATA_DIR=tmp,
        DATABASE_URL=f"sqlite:///{tmp}/bench.sqlite3",
        SPOTIFY_API_URL=f"{base_url}/v1",
        SPOTIFY_ACCOUNTS_URL=f"{base_url}/accounts",
        SPOTIFY_CLIENT_ID="sandbox-client",
        SPOTIFY_CLIENT_SECRET="sandbox-secret",
        SPOTIFY_REDIRECT_URI=REDIRECT_URI,
        LOG_LEVEL="WARNING",
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def run(base_url: str, args) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection

    from spotify_auth import importer, oauth
    from spotify_auth.client import for_user

    user = get_user_model().objects.create_user("bench")
    oauth.connect(user, _approve(base_url))
    queries = QueryCounter()

    before = _requests(base_url)
    with connection.execute_wrapper(queries):
        started = time.perf_counter()
        jobs = importer.run_now(user, [importer.LIKED, importer.ALL_PLAYLISTS])
        import_seconds = time.perf_counter() - started
    failed = [job for job in jobs if job.status != "completed"]
    if failed:
        sys.exit(f"the import failed: {failed[0].source}: {failed[0].error}")
    made = _requests(base_url, since=before)
    pages = sum(made.values())

    started = time.perf_counter()
    fetched = fetch_only(for_user(user))
    fetch_seconds = time.perf_counter() - started

    before = _requests(base_url)
    started = time.perf_counter()
    again = importer.run_now(user, [importer.LIKED, importer.ALL_PLAYLISTS])
    again_seconds = time.perf_counter() - started
    assert all(job.status == "completed" for job in again)
    again_made = sum(_requests(base_url, since=before).values())

    fewest = minimum(args.liked, args.playlists, args.size)
    playlists = args.playlists + 3  # plus an empty, a collaborative and a followed one
    print(f"import of {args.liked} liked tracks and {playlists} playlists from the sandbox")
    print(f"  HTTP requests:         {pages} (fewest the page sizes allow: {fewest})")
    for name, count in sorted(made.items()):
        print(f"    {name}: {count}")
    print(f"  SQL queries:           {queries.count} in all, {queries.count / pages:.1f} per page")
    print(f"  import wall time:      {import_seconds:.2f} s")
    print(f"  fetch-only wall time:  {fetch_seconds:.2f} s ({fetched} pages)")
    ratio = import_seconds / fetch_seconds
    print(f"  ratio import / fetch:  {ratio:.2f} (target <= 2)")
    share = again_seconds / import_seconds
    print(
        f"  re-import, unchanged:  {again_seconds:.2f} s = {share:.1%} of the first "
        f"(target < 10%), {again_made} requests"
    )


class QueryCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def fetch_only(client) -> int:
    """The same pages the import reads, one after the other, and nothing else."""
    from spotify_auth.client import ITEM_FIELDS
    from spotify_auth.errors import SpotifyApiError

    pages = sum(1 for _ in client.pages("me/tracks"))
    playlists = []
    for page in client.pages("me/playlists"):
        playlists.extend(page["items"])
        pages += 1
    for playlist in playlists:
        if not playlist["items"]["total"]:
            continue
        try:
            pages += sum(
                1 for _ in client.pages(f"playlists/{playlist['id']}/items", fields=ITEM_FIELDS)
            )
        except SpotifyApiError:
            pages += 1  # the followed playlist's 403
    return pages


def minimum(liked: int, playlists: int, size: int) -> int:
    """One request per page of 50: Liked Songs, the playlist list, each readable playlist's
    items (own ones and the collaborative one), one 403 for the followed one, none for the
    empty one."""
    per_playlist = math.ceil(size / 50)
    listed = playlists + 3
    return math.ceil(liked / 50) + math.ceil(listed / 50) + (playlists + 1) * per_playlist + 1


def _approve(base_url: str) -> str:
    """Play the person on the consent page; returns the authorization code."""
    query = urlencode(
        {
            "client_id": "sandbox-client",
            "response_type": "code",
            "redirect_uri": REDIRECT_URI,
            "scope": "user-library-read playlist-read-private playlist-read-collaborative",
            "auto": "approve",
        }
    )

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        opener.open(f"{base_url}/accounts/authorize?{query}")
    except urllib.error.HTTPError as answer:
        location = answer.headers["Location"]
    return parse_qs(urlsplit(location).query)["code"][0]


def _requests(base_url: str, since: dict | None = None) -> dict[str, int]:
    """The sandbox's request counts (minus `since`), token requests left out."""
    with urllib.request.urlopen(f"{base_url}/_sandbox/stats") as answer:
        counts = json.load(answer)["counts"]
    counts = {k: v for k, v in counts.items() if " /v1/" in k}
    return {
        k: v - (since or {}).get(k, 0) for k, v in counts.items() if v - (since or {}).get(k, 0)
    }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(base_url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{base_url}/_sandbox/stats", timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    sys.exit("the sandbox did not start")


if __name__ == "__main__":
    main()
