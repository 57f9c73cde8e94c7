"""Progress of an import: the job's heartbeat, plus whoever watches in the foreground.

`spotify_import` (without --queue) draws a progress bar from the same reports a worker sends
to the job row, by setting `watching` for the length of its run.
"""

from collections.abc import Callable
from contextvars import ContextVar

from trackflow.jobs.services import heartbeat

from ..models import ImportJob

Listener = Callable[[ImportJob, float, str], None]
watching: ContextVar[Listener | None] = ContextVar("import_progress_listener", default=None)


def report(job: ImportJob, done: int, total: int | None, message: str) -> None:
    """At least once per page: raises JobCancelled when the user cancelled the job."""
    fraction = done / total if total else 1.0
    heartbeat(job, fraction, message)
    listener = watching.get()
    if listener is not None:
        listener(job, min(fraction, 1.0), message)
