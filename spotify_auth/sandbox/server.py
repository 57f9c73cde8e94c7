"""Serve a SandboxApp over HTTP on loopback: in a background thread, or in the foreground.

wsgiref's server, one thread per request; enough for tests, benchmarks and a newcomer's
first try, and nothing to install.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from socketserver import ThreadingMixIn
from typing import TextIO
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from .app import SandboxApp, create_app


class ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def start(
    app: SandboxApp | Callable | None = None, host: str = "127.0.0.1", port: int = 0
) -> tuple[str, Callable[[], None]]:
    """Serve `app` (a default sandbox if None; any WSGI app works) in a daemon thread.

    Returns the base URL (http://host:port, no trailing slash) and a stop function that
    closes the socket and waits for the thread. Port 0 picks a free port.
    """
    server = make_server(host, port, app or create_app(), ThreadingWSGIServer, QuietHandler)
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.05},  # stop() waits for one poll: keep per-test servers cheap
        name="spotify-sandbox",
        daemon=True,
    )
    thread.start()

    def stop() -> None:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

    return f"http://{host}:{server.server_port}", stop


@contextmanager
def running(app: SandboxApp | Callable | None = None, host: str = "127.0.0.1") -> Iterator[str]:
    """`with running(app) as base_url:` a served sandbox for the length of the block."""
    base_url, stop = start(app, host)
    try:
        yield base_url
    finally:
        stop()


class CannotServe(Exception):
    """The address cannot be listened on (taken, not this machine's, out of range)."""


def serve_forever(
    host: str = "127.0.0.1",
    port: int = 8888,
    app: SandboxApp | None = None,
    out: TextIO = sys.stdout,
) -> None:
    """Serve in the foreground until interrupted, after printing where to point TrackFlow.

    Raises CannotServe, with the reason in words, when the address cannot be listened on.
    """
    app = app or create_app()
    try:
        server = make_server(host, port, app, ThreadingWSGIServer, QuietHandler)
    except (OSError, OverflowError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise CannotServe(f"cannot listen on {host}:{port}: {reason}") from None
    base = f"http://{host}:{server.server_port}"
    client_id, client_secret = app.options.clients[0]
    print(f"Spotify sandbox on {base} (users: {', '.join(app.users)})", file=out)
    print(f"  SPOTIFY_API_URL={base}/v1", file=out)
    print(f"  SPOTIFY_ACCOUNTS_URL={base}/accounts", file=out)
    print(f"  SPOTIFY_CLIENT_ID={client_id} SPOTIFY_CLIENT_SECRET={client_secret}", file=out)
    # the client id turns TrackFlow's sandbox mode off, and with it the http download default
    print(
        f"  DOWNLOAD_BACKEND=http DOWNLOAD_URL_TEMPLATE={base}/audio/{{spotify_id}}.wav",
        file=out,
        flush=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
