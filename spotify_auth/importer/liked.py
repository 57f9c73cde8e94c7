"""Liked Songs: read /me/tracks 50 at a time, newest first, and mirror it in SavedTrack.

Un-likes are found page by page: the tracks saved here whose added_at falls inside the span
a page covers, but which the page does not list, were un-liked. The cursor carries that
span's upper end across pages and attempts, so a retried job resumes at its offset.

A fingerprint of the first page and the total, stored when an import completes, tells the
next import whether anything changed: likes always go on top, so if neither the first page
nor the total moved, nothing was liked or un-liked since.
"""

import hashlib
import json
from collections import Counter

from django.db import transaction

from library.services.catalog import upsert_tracks
from library.services.saved import save_tracks

from ..client import PAGE_SIZE
from ..models import ImportJob, SpotifyAccount
from . import writes
from .items import keepable, parse_time, skipped_note
from .progress import report

MAX_RESTARTS = 3


class LikedChanged(Exception):
    """The list changed while being read (its total moved): offsets no longer line up."""


def import_liked(job: ImportJob, client) -> str:
    for _ in range(MAX_RESTARTS + 1):
        try:
            return _read(job, client)
        except LikedChanged:
            writes.save_cursor(job, {}, Counter())
    raise RuntimeError("Liked Songs kept changing while being read; try again later")


def _read(job: ImportJob, client) -> str:
    account = SpotifyAccount.objects.get(user_id=job.owner_id)
    cursor, counts = dict(job.cursor), Counter(job.counts)
    offset = cursor.get("offset", 0)
    while True:
        page = client.current_user_saved_tracks(limit=PAGE_SIZE, offset=offset)
        total, items = page["total"], page["items"]
        if offset == 0:
            cursor = {"fingerprint": fingerprint(page), "total": total}
            counts = Counter()
            if cursor["fingerprint"] == account.liked_fingerprint and not job.force:
                return f"Liked Songs unchanged since the last import ({total} tracks)"
        elif total != cursor["total"]:
            raise LikedChanged
        last = not page.get("next") or not items
        with transaction.atomic():
            cursor = _save_page(job, items, cursor, counts, last)
            cursor["offset"] = offset = offset + len(items)
            writes.save_cursor(job, cursor, counts)
        report(job, offset, total, f"Liked Songs: {offset} of {total}")
        if last:
            break
    SpotifyAccount.objects.filter(pk=account.pk).update(liked_fingerprint=cursor["fingerprint"])
    unliked = f", {counts['unliked']} un-liked on Spotify removed" if counts["unliked"] else ""
    return f"Liked Songs: {counts['saved']} tracks{unliked}{skipped_note(counts)}"


def _save_page(job: ImportJob, items: list[dict], cursor: dict, counts: Counter, last: bool):
    """Store one page and drop the un-liked inside its span; returns the next cursor."""
    if cursor.get("offset", 0) == 0:  # from here on the stored fingerprint is stale
        SpotifyAccount.objects.filter(user_id=job.owner_id).update(liked_fingerprint="")
    kept = [item for item in items if keepable(item.get("track"), counts)]
    track_ids = upsert_tracks([item["track"] for item in kept])
    saved = [(tid, parse_time(item["added_at"])) for tid, item in zip(track_ids, kept, strict=True)]
    save_tracks(job.owner, saved)
    counts["saved"] += len(saved)
    # Spotify lists newest first: this page covers (lowest added_at, previous page's lowest].
    lowest = min((i["added_at"] for i in items if i.get("added_at")), default=None)
    keep = {tid for tid, _ in saved} | set(cursor.get("upper_ids", []))
    upper = parse_time(cursor.get("upper"))
    after = None if last else parse_time(lowest)
    counts["unliked"] += writes.drop_unliked(job.owner_id, after, upper, keep)
    at_lowest = [tid for tid, added_at in saved if lowest and added_at == parse_time(lowest)]
    return {**cursor, "upper": lowest, "upper_ids": at_lowest}


def fingerprint(page: dict) -> str:
    firsts = [[(item.get("track") or {}).get("id"), item.get("added_at")] for item in page["items"]]
    raw = json.dumps([page["total"], firsts], separators=(",", ":"))
    return hashlib.sha256(raw.encode()).hexdigest()
