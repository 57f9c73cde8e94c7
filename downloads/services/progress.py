"""A running download's progress: bytes from the backend, one job-row write a second at most.

That write is also the job's heartbeat: when it finds the job no longer running (the user
cancelled), it raises a flag that the backend polls through `should_cancel`, so the fetch
stops at its next chunk and cleans up after itself.
"""

import time
from collections.abc import Callable

from downloads.backends.base import format_size
from downloads.models import DownloadJob
from trackflow.jobs.services import JobCancelled, heartbeat

WRITE_INTERVAL = 1.0  # seconds between writes of one job's row


def record_progress(job: DownloadJob, done: int, total: int | None) -> None:
    """The job base's heartbeat, with the byte counts in the same UPDATE.

    Raises JobCancelled when the job is no longer running.
    """
    heartbeat(
        job,
        progress=min(done / total, 1.0) if total else None,
        message=describe_bytes(done, total),
        bytes_done=done,
        bytes_total=total,
    )


def describe_bytes(done: int, total: int | None) -> str:
    if total:
        return f"downloading: {format_size(done)} of {format_size(total)}"
    return f"downloading: {format_size(done)}"


class Reporter:
    """The backend's `progress` and `should_cancel` callbacks for one job."""

    def __init__(
        self,
        job: DownloadJob,
        interval: float = WRITE_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.job, self.interval, self.clock = job, interval, clock
        self.done, self.total = 0, None
        self.cancelled = False
        self.written_at = clock()

    def progress(self, done: int, total: int | None) -> None:
        self.done, self.total = done, total
        self._write_if_due()

    def should_cancel(self) -> bool:
        """Called by the backend between chunks; looks at the row when a write is due."""
        self._write_if_due()
        return self.cancelled

    def _write_if_due(self) -> None:
        if self.cancelled or self.clock() - self.written_at < self.interval:
            return
        self.written_at = self.clock()
        try:
            record_progress(self.job, self.done, self.total)
        except JobCancelled:
            self.cancelled = True
