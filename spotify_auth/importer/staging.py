"""Playlist entries an unfinished import has read, kept in its job's cursor.

The playlist itself changes only once every page is read (writes.finish_playlist). Until
then the rows read so far travel in `cursor["staged"]`, saved with the offset in the same
transaction as each batch of pages, as the Liked Songs import keeps its cursor: a retry after
a failure or a long rate limit resumes at its offset. A row is [position, track id,
added_at], about 45 bytes: some 450 KB for a playlist of 10,000 entries, and only while its
import is unfinished (the swap clears them).
"""

from datetime import datetime

from library.models import Track
from library.services.bulk import values_by
from trackflow.jobs.services import ExpectedFailure

from .items import parse_time

Rows = dict[int, tuple[int, datetime | None]]  # position -> (track id, added_at)
STAGED = "staged"


class StagedTracksGone(ExpectedFailure):
    """A track read before a pause was deleted here meanwhile: the next attempt reads the
    playlist again from the start (the swap would point at a row that is gone)."""

    def __init__(self) -> None:
        super().__init__(
            "tracks read before a pause were deleted meanwhile; the playlist is read again"
        )


def stage(cursor: dict, rows: Rows) -> dict:
    """`cursor` with `rows` in it."""
    staged = [[p, t, at.isoformat() if at else None] for p, (t, at) in sorted(rows.items())]
    return {**cursor, STAGED: staged}


def unstage(cursor: dict) -> Rows:
    """The rows staged in `cursor`, taken out of it."""
    return {p: (t, parse_time(at)) for p, t, at in cursor.pop(STAGED, None) or []}


def restart(cursor: dict) -> dict:
    """A cursor that reads the same snapshot again from its first page."""
    return {"snapshot_id": cursor["snapshot_id"], "total": cursor.get("total")}


def tracks_exist(rows: Rows) -> bool:
    """Whether every track the rows point at is still in the catalog (one query)."""
    wanted = sorted({track_id for track_id, _ in rows.values()})
    return len(values_by(Track, "pk", wanted, "pk")) == len(wanted)
