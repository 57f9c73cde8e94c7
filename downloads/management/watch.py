"""Progress bars for download jobs, drawn from their rows (the worker may be another process)."""

import time
from typing import TextIO

from tqdm import tqdm

from downloads.models import DownloadJob
from trackflow.jobs.models import FINISHED_STATUSES, JobStatus

MAX_BARS = 8  # one bar per job up to this many; beyond, one bar for the whole batch
IDLE_HINT_SECONDS = 20.0


def watch(job_ids: list, out: TextIO, interval: float = 0.5) -> list[dict]:
    """Polls the jobs until each has finished; returns their final rows."""
    rows = _rows(job_ids)
    total = tqdm(total=len(rows), desc="downloads", unit="job", file=out, position=0)
    bars = {}
    if len(rows) <= MAX_BARS:
        bars = {
            row["pk"]: tqdm(
                total=100, desc=row["track__title"][:30], unit="%", file=out, position=i + 1
            )
            for i, row in enumerate(rows)
        }
    started, hinted = time.monotonic(), False
    try:
        while True:
            _draw(rows, total, bars)
            if all(row["status"] in FINISHED_STATUSES for row in rows):
                return rows
            idle = all(row["status"] == JobStatus.PENDING and row["attempts"] == 0 for row in rows)
            if idle and not hinted and time.monotonic() - started > IDLE_HINT_SECONDS:
                total.write("no worker has started these yet: is `manage.py qcluster` running?")
                hinted = True
            time.sleep(interval)
            rows = _rows(job_ids)
    finally:
        for bar in [*bars.values(), total]:
            bar.close()


def _rows(job_ids: list) -> list[dict]:
    fields = ("pk", "status", "progress", "attempts", "error", "file", "track__title")
    found = {row["pk"]: row for row in DownloadJob.objects.filter(pk__in=job_ids).values(*fields)}
    return [found[pk] for pk in job_ids if pk in found]


def _draw(rows: list[dict], total: tqdm, bars: dict) -> None:
    finished = [row for row in rows if row["status"] in FINISHED_STATUSES]
    failed = sum(row["status"] != JobStatus.COMPLETED for row in finished)
    total.n = len(finished)
    total.set_postfix_str(f"{failed} failed" if failed else "", refresh=False)
    total.refresh()
    for row in rows:
        bar = bars.get(row["pk"])
        if bar is not None:
            bar.n = round(row["progress"] * 100)
            bar.set_postfix_str(row["status"], refresh=False)
            bar.refresh()
