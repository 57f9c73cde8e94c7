"""Request counters, so tests and benchmarks can assert how many calls a flow made."""

from __future__ import annotations

import threading
from collections import Counter, deque

WRITE_METHODS = frozenset({"POST", "PUT", "DELETE"})
LOG_SIZE = 100_000  # a long-running sandbox should not grow without bound


class Stats:
    """Counts per (method, path template), e.g. ("GET", "/v1/playlists/{id}/items").

    `log` keeps (method, template, status) in arrival order, the last LOG_SIZE of them.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.counts: Counter[tuple[str, str]] = Counter()
            self.log: deque[tuple[str, str, int]] = deque(maxlen=LOG_SIZE)

    def record(self, method: str, template: str, status: int) -> None:
        with self._lock:
            self.counts[method, template] += 1
            self.log.append((method, template, status))

    def count(self, method: str | None = None, template: str | None = None) -> int:
        """Requests matching both filters; None matches anything."""
        with self._lock:
            return sum(
                n
                for (m, t), n in self.counts.items()
                if method in (None, m) and template in (None, t)
            )

    @property
    def total(self) -> int:
        return self.count()

    @property
    def writes(self) -> int:
        """Web API writes (POST/PUT/DELETE under /v1), the calls a sync tries to minimize."""
        with self._lock:
            return sum(
                n
                for (m, t), n in self.counts.items()
                if m in WRITE_METHODS and t.startswith("/v1/")
            )

    def as_dict(self) -> dict:
        with self._lock:
            counts = {f"{m} {t}": n for (m, t), n in sorted(self.counts.items())}
        return {"total": sum(counts.values()), "writes": self.writes, "counts": counts}
