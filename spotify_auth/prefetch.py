"""Read pages ahead in a helper thread, so an import fetches while it stores.

The helper only talks HTTP, with the access token it was given: a token Spotify refuses
comes back to the caller's thread, which refreshes it (that touches the database) by reading
that page itself, and a new helper carries on from the next page.
"""

import queue
import threading
from collections.abc import Iterator

STOP_POLL = 0.1  # seconds between checks whether the reader went away


class NeedsRefresh(Exception):
    """The helper met a refused token; the caller's thread refreshes it."""


def prefetched(client, path: str, offset: int, limit: int, params: dict, depth: int):
    """Paging objects from `offset` on, up to `depth` pages read ahead of the caller."""
    while True:
        token = client.auth_manager.get_access_token(as_dict=False)  # refreshed here if due
        helper = _Helper(client, path, offset, limit, params, token, depth)
        try:
            for kind, value in helper:
                if kind == "refresh":
                    break
                yield value
            else:
                return
        finally:
            helper.stop()
        offset = value  # the page whose token was refused: refresh, and read it here
        if hasattr(client.auth_manager, "refresh"):
            client.auth_manager.refresh(token)
        page = client.page(path, offset, limit, params)
        yield page
        if not has_more(page, offset + limit):
            return
        offset += limit


def has_more(page: dict, next_offset: int) -> bool:
    more = page["next"] if "next" in page else next_offset < page.get("total", 0)
    return bool(more and page.get("items"))


class _Helper:
    def __init__(self, client, path, offset, limit, params, token, depth):
        self.feed: queue.Queue = queue.Queue(maxsize=depth)
        self.stopped = threading.Event()
        args = (client, path, offset, limit, params, token)
        self.thread = threading.Thread(target=self._run, args=args, daemon=True)
        self.thread.name = "spotify-prefetch"
        self.thread.start()

    def __iter__(self) -> Iterator[tuple[str, object]]:
        while True:
            kind, value = self.feed.get()
            if kind == "done":
                return
            if kind == "error":
                raise value
            yield kind, value

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join(timeout=30)

    def _run(self, client, path, offset, limit, params, token) -> None:
        try:
            while not self.stopped.is_set():
                try:
                    page = client.page(path, offset, limit, params, token)
                except NeedsRefresh:
                    self._put(("refresh", offset))
                    return
                self._put(("page", page))
                offset += limit
                if not has_more(page, offset):
                    break
            self._put(("done", None))
        except Exception as exc:  # handed to the reader, raised in its thread
            self._put(("error", exc))

    def _put(self, item: tuple) -> None:
        while not self.stopped.is_set():
            try:
                self.feed.put(item, timeout=STOP_POLL)
                return
            except queue.Full:
                continue
