"""Liked Songs: read /me/tracks 50 at a time, newest first, and mirror it in SavedTrack.

Un-likes are found batch by batch: the tracks saved here whose added_at falls inside the
span a batch of pages covers, but which the batch does not list, were un-liked. The cursor
carries that span's upper end across batches and attempts, so a retried job resumes at its
offset.

A fingerprint of the first page and the total, stored when an import completes, tells the
next import whether anything changed: likes always go on top, so if neither the first page
nor the total moved, nothing was liked or un-liked since.
"""

import hashlib
import itertools
import json
from collections import Counter

from django.db import transaction

from library.services.saved import save_tracks

from ..models import ImportJob, SpotifyAccount
from . import writes
from .batching import BATCH_PAGES, batched, catalog_ids
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
    if offset == 0:  # the first page alone first: the import may stop there
        first = next(client.pages("me/tracks"))
        cursor, counts = {"fingerprint": fingerprint(first), "total": first["total"]}, Counter()
        if cursor["fingerprint"] == account.liked_fingerprint and not job.force:
            return f"Liked Songs unchanged since the last import ({first['total']} tracks)"
        rest = (
            client.pages("me/tracks", first["limit"], prefetch=BATCH_PAGES) if first["next"] else []
        )
        pages = itertools.chain([first], rest)
    else:
        pages = client.pages("me/tracks", offset, prefetch=BATCH_PAGES)
    expected = cursor["total"]
    for batch in batched(pages, lambda page: _arrived(job, page, expected)):
        last = not batch[-1]["next"] or not batch[-1]["items"]
        with transaction.atomic():
            cursor = _save(job, [i for page in batch for i in page["items"]], cursor, counts, last)
            cursor["offset"] = batch[-1]["offset"] + batch[-1]["limit"]  # where `next` points
            writes.save_cursor(job, cursor, counts)
    SpotifyAccount.objects.filter(pk=account.pk).update(liked_fingerprint=cursor["fingerprint"])
    unliked = f", {counts['unliked']} un-liked on Spotify removed" if counts["unliked"] else ""
    return f"Liked Songs: {counts['saved']} tracks{unliked}{skipped_note(counts)}"


def _arrived(job: ImportJob, page: dict, expected_total: int) -> None:
    total = page["total"]
    if total != expected_total:
        raise LikedChanged
    done = min(page["offset"] + len(page["items"]), total)
    report(job, done, total, f"Liked Songs: {done} of {total}")


def _save(job: ImportJob, items: list[dict], cursor: dict, counts: Counter, last: bool):
    """Store a batch and drop the un-liked inside its span; returns the next cursor."""
    if cursor.get("offset", 0) == 0:  # from here on the stored fingerprint is stale
        SpotifyAccount.objects.filter(user_id=job.owner_id).update(liked_fingerprint="")
    kept = [item for item in items if keepable(item.get("track"), counts)]
    track_ids = catalog_ids([item["track"] for item in kept], job.force)
    saved = [(tid, parse_time(item["added_at"])) for tid, item in zip(track_ids, kept, strict=True)]
    save_tracks(job.owner, saved)
    counts["saved"] += len(saved)
    # Spotify lists newest first: this batch covers (lowest added_at, previous lowest].
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
