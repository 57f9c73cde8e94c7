"""Fault switches: make the next requests fail the way Spotify fails.

Faults queue up; each request whose path starts with a fault's prefix takes one turn of
the first such fault. Set them from a test (`app.faults.rate_limit(...)`) or, for a sandbox
in another process, with POST /_sandbox/faults.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from .web import ApiError

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
        with self._lock:
            self._pending.append(Fault(status, count, path_prefix, retry_after, reason))

    def rate_limit(
        self, count: int = 1, retry_after: int = 1, quota: bool = False, path_prefix: str = "/v1/"
    ) -> None:
        """429 with Retry-After; `quota` adds reason QUOTA_EXCEEDED (a long wait, typically)."""
        reason = "QUOTA_EXCEEDED" if quota else None
        self.fail(429, count, path_prefix, retry_after, reason)

    def server_error(self, count: int = 1, status: int = 500, path_prefix: str = "/v1/") -> None:
        self.fail(status, count, path_prefix)

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
