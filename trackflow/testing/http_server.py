"""A tiny threaded HTTP server on a loopback port, for tests of code that speaks HTTP.

Tests talk to a real socket rather than a mocked client, so timeouts, streaming, status codes
and headers behave as they do in production, and no test ever reaches the internet.

    base_url, stop = serve({
        "/song.mp3": make_audio("mp3"),                       # 200 with these bytes
        "/gone": 404,                                          # a status alone
        "/page": "<html>...</html>",                           # text/html
        "/slow": Reply(body=data, delay=0.5, chunk_size=1024),  # drips a chunk every 0.5 s
        "POST /hook": lambda request: Reply(status=204),       # a handler for one method
    })
    try: ...
    finally: stop()
"""

import contextlib
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.message import Message
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Reply:
    """One response. `send_length=False` ends the body by closing the connection instead."""

    body: bytes = b""
    status: int = 200
    content_type: str = "application/octet-stream"
    headers: Mapping[str, str] = field(default_factory=dict)
    send_length: bool = True
    chunk_size: int = 64 * 1024
    delay: float = 0.0  # seconds to wait before sending each chunk


@dataclass(frozen=True)
class Request:
    """What a handler sees of the request."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: Message
    body: bytes


Handler = Callable[[Request], "Reply | bytes | str | int"]
Route = Reply | bytes | str | int | Handler


def serve(routes: Mapping[str, Route]) -> tuple[str, Callable[[], None]]:
    """Starts a server for `routes` on 127.0.0.1 and returns its base URL and a stop function.

    A route key is a path ("/a", matching any method) or a method and a path ("GET /a");
    the query string is not part of the key. Unknown paths answer 404. `stop()` may be
    called more than once; it also ends slow responses that are still dripping.
    """
    stopping = threading.Event()
    handler = type("RouteHandler", (_RouteHandler,), {"routes": routes, "stopping": stopping})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    server.block_on_close = False  # a client that hung up must not hold up stop()
    thread = threading.Thread(
        target=server.serve_forever, args=(0.05,), name="test-http", daemon=True
    )
    thread.start()
    lock = threading.Lock()

    def stop() -> None:
        with lock:
            if stopping.is_set():
                return
            stopping.set()
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)

    host, port = server.server_address[:2]
    return f"http://{host}:{port}", stop


class _RouteHandler(BaseHTTPRequestHandler):
    routes: Mapping[str, Route]
    stopping: threading.Event

    def do_GET(self) -> None:
        self._answer()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_GET

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep test output quiet

    def _answer(self) -> None:
        url = urlsplit(self.path)
        route = self.routes.get(f"{self.command} {url.path}", self.routes.get(url.path))
        if route is None:
            route = Reply(status=404, body=b"<h1>Not Found</h1>", content_type="text/html")
        if callable(route):
            length = int(self.headers.get("Content-Length") or 0)
            request = Request(
                method=self.command,
                path=url.path,
                query=parse_qs(url.query),
                headers=self.headers,
                body=self.rfile.read(length) if length else b"",
            )
            route = route(request)
        # a client under test often stops reading on purpose
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self._send(_as_reply(route))

    def _send(self, reply: Reply) -> None:
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        if reply.send_length:
            self.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command == "HEAD":
            return
        for start in range(0, len(reply.body), reply.chunk_size):
            if reply.delay and self.stopping.wait(reply.delay):
                return
            self.wfile.write(reply.body[start : start + reply.chunk_size])
            self.wfile.flush()


def _as_reply(route: Reply | bytes | str | int) -> Reply:
    if isinstance(route, Reply):
        return route
    if isinstance(route, bytes):
        return Reply(body=route)
    if isinstance(route, str):
        return Reply(body=route.encode(), content_type="text/html; charset=utf-8")
    if isinstance(route, int):
        phrase = HTTPStatus(route).phrase
        return Reply(status=route, body=phrase.encode(), content_type="text/plain")
    raise TypeError(f"a route must be Reply, bytes, str, int or a handler, not {type(route)}")
