"""Fault switches: make the next requests fail the way Spotify fails.

Faults queue up; each request whose path starts with a fault's prefix takes one turn of
the first such fault. Set them from a test (`app.faults.rate_limit(...)`) or, for a sandbox
in another process, with POST /_sandbox/faults.

Besides error statuses, an answer can be garbled the way proxies and cut connections garble
them: `answer` sends a fixed body instead (an HTML page, half a JSON document), `tamper`
lets the request be served as usual and then edits its JSON (`"items": null`, an item with
a wrong-typed field). Answers without a fault are untouched.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass

from .web import ApiError, Response

MESSAGES = {
    429: "API rate limit exceeded",
    500: "Server error.",
    502: "Bad gateway.",
    503: "Service unavailable",
}


@dataclass
class Fault:
    status: int
    remaining: int
    path_prefix: str = "/v1/"
    retry_after: int | None = None
    reason: str | None = None
    body: bytes | None = None  # sent as it is, with `content_type`, instead of an answer
    content_type: str = "text/html; charset=utf-8"
    change: Callable[[object], object] | None = None  # edits the served answer's JSON

    @property
    def edits(self) -> bool:
        """Whether the request is served first and its answer edited afterwards."""
        return self.change is not None

    def answer(self) -> Response:
        """The answer in place of the request's own (an ApiError for error statuses)."""
        if self.body is None:
            raise self.error()
        return self.status, [("Content-Type", self.content_type)], self.body

    def edit(self, response: Response) -> Response:
        status, headers, body = response
        if not body:
            return response
        data = self.change(json.loads(body))
        return status, headers, json.dumps(data, ensure_ascii=False).encode()

    def error(self) -> ApiError:
        headers = [("Retry-After", str(self.retry_after))] if self.retry_after is not None else []
        message = MESSAGES.get(self.status, "Error")
        return ApiError(self.status, message, headers, self.reason)


class Faults:
    def __init__(self) -> None:
        self._pending: list[Fault] = []
        self._lock = threading.Lock()

    def fail(
        self,
        status: int,
        count: int = 1,
        path_prefix: str = "/v1/",
        retry_after: int | None = None,
        reason: str | None = None,
    ) -> None:
        """The next `count` requests under `path_prefix` answer `status`."""
        self._add(Fault(status, count, path_prefix, retry_after, reason))

    def rate_limit(
        self, count: int = 1, retry_after: int = 1, quota: bool = False, path_prefix: str = "/v1/"
    ) -> None:
        """429 with Retry-After; `quota` adds reason QUOTA_EXCEEDED (a long wait, typically)."""
        reason = "QUOTA_EXCEEDED" if quota else None
        self.fail(429, count, path_prefix, retry_after, reason)

    def server_error(self, count: int = 1, status: int = 500, path_prefix: str = "/v1/") -> None:
        self.fail(status, count, path_prefix)

    def answer(
        self,
        body: str | bytes,
        count: int = 1,
        path_prefix: str = "/v1/",
        status: int = 200,
        content_type: str = "text/html; charset=utf-8",
    ) -> None:
        """The next `count` requests get `body` instead of their answer: a proxy's error
        page, a JSON document cut short."""
        raw = body.encode() if isinstance(body, str) else body
        self._add(Fault(status, count, path_prefix, body=raw, content_type=content_type))

    def tamper(
        self, change: Callable[[object], object], count: int = 1, path_prefix: str = "/v1/"
    ) -> None:
        """The next `count` requests are served, then `change` turns the answer's decoded
        JSON into what is sent (a page with `"items": null`, an item with a bad field)."""
        self._add(Fault(200, count, path_prefix, change=change))

    def _add(self, fault: Fault) -> None:
        with self._lock:
            self._pending.append(fault)

    def clear(self) -> None:
        with self._lock:
            self._pending.clear()

    @property
    def pending(self) -> int:
        """How many failing answers are still queued."""
        with self._lock:
            return sum(fault.remaining for fault in self._pending)

    def take(self, path: str) -> Fault | None:
        """The fault this request gets, if any, using up one of its turns."""
        with self._lock:
            for fault in self._pending:
                if path.startswith(fault.path_prefix):
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        self._pending.remove(fault)
                    return fault
        return None
