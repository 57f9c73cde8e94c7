"""A loopback media server that counts the requests for each path (tests and bench/).

server = MediaServer()
server.add("/audio/abc", make_audio("mp3", 1.0))
settings.DOWNLOAD_URL_TEMPLATE = server.base_url + "/audio/{spotify_id}"
...
assert server.hits["/audio/abc"] == 1
server.stop()
"""

import threading
from collections import Counter
from collections.abc import Iterator, Mapping

from trackflow.testing.http_server import Reply, Request, Route, serve


class MediaServer:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: Counter[str] = Counter()
        self._lock = threading.Lock()
        self.base_url, self.stop = serve(_CountingRoutes(self))

    def add(self, path: str, route: Route, content_type: str = "audio/mpeg") -> str:
        """Serves `route` at `path` (bytes become an audio reply); returns its full URL."""
        if isinstance(route, bytes):
            route = Reply(body=route, content_type=content_type)
        self.routes[path] = route
        return self.base_url + path

    def count(self, path: str) -> None:
        with self._lock:
            self.hits[path] += 1


class _CountingRoutes(Mapping):
    """What serve() looks routes up in: each known path answers through a counting handler."""

    def __init__(self, server: MediaServer) -> None:
        self.server = server

    def __getitem__(self, key: str) -> Route:
        route = self.server.routes[key]  # KeyError for "GET /x" keys and unknown paths

        def handle(request: Request):
            self.server.count(request.path)
            return route(request) if callable(route) else route

        return handle

    def __iter__(self) -> Iterator[str]:
        return iter(self.server.routes)

    def __len__(self) -> int:
        return len(self.server.routes)
