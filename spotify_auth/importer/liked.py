"""Liked Songs: read /me/tracks 50 at a time, newest first, and mirror it in SavedTrack.

Un-likes are found batch by batch: the tracks saved here whose added_at falls inside the
span a batch of pages covers, but which the batch does not list, were un-liked. The cursor
carries that span's upper end across batches and attempts, so a retried job resumes at its
offset.

A fingerprint of the first page and the total, stored when an import completes, tells the
next import whether anything changed: likes always go on top, so if neither the first page
nor the total moved, and the library still holds that many (nothing was un-liked here),
nothing was liked or un-liked since.

Offsets only line up while the list stands still. A changed total shows on any page; a like
and an un-like together leave the total as it was but put a new item on top, so a read of
more than one page ends by asking for the first item again (one small request). Either way
the read starts over.
"""

import hashlib
import itertools
import json
from collections import Counter

from django.db import transaction

from library.models import SavedTrack
from library.services.saved import save_tracks

from ..models import ImportJob, SpotifyAccount
from . import writes
from .batching import BATCH_PAGES, batched, track_ids
from .items import added_at, keepable, parse_time, saved_target, skipped_note
from .progress import report

MAX_RESTARTS = 3


class LikedChanged(Exception):
    """The list changed while being read: offsets no longer line up."""


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
        cursor = {"fingerprint": fingerprint(first), "total": first["total"], "head": head(first)}
        counts = Counter()
        if not job.force and _unchanged(job, account, cursor["fingerprint"], first["total"]):
            return f"Liked Songs unchanged since the last import ({first['total']} tracks)"
        one_request = not first.get("next")
        rest = (
            () if one_request else client.pages("me/tracks", first["limit"], prefetch=BATCH_PAGES)
        )
        pages = itertools.chain([first], rest)
    else:
        one_request, pages = False, client.pages("me/tracks", offset, prefetch=BATCH_PAGES)
    expected = cursor["total"]
    for batch in batched(pages, lambda page: _arrived(job, page, expected)):
        last = not batch[-1].get("next") or not batch[-1]["items"]
        with transaction.atomic():
            cursor = _save(job, [i for page in batch for i in page["items"]], cursor, counts, last)
            cursor["offset"] = batch[-1]["offset"] + batch[-1]["limit"]  # where `next` points
            writes.save_cursor(job, cursor, counts)
    if not one_request:  # did a like land on top meanwhile?
        _check_still(client, cursor)
    SpotifyAccount.objects.filter(pk=account.pk).update(liked_fingerprint=cursor["fingerprint"])
    unliked = f", {counts['unliked']} un-liked on Spotify removed" if counts["unliked"] else ""
    return f"Liked Songs: {counts['saved']} tracks{unliked}{skipped_note(counts)}"


def _unchanged(job: ImportJob, account: SpotifyAccount, fingerprint: str, total: int) -> bool:
    """Spotify's first page and total are as the last import left them, and so is the
    library: a like removed here (one COUNT) must come back from Spotify."""
    if fingerprint != account.liked_fingerprint:
        return False
    return SavedTrack.objects.filter(user_id=job.owner_id).count() == total


def _check_still(client, cursor: dict) -> None:
    """LikedChanged unless the first item and the total are those the read began with."""
    top = next(client.pages("me/tracks", 0, limit=1))
    if top["total"] != cursor["total"] or head(top) != cursor.get("head"):
        raise LikedChanged


def _arrived(job: ImportJob, page: dict, expected_total: int) -> None:
    total = page["total"]
    if total != expected_total:
        raise LikedChanged
    done = min(page["offset"] + len(page["items"]), total)
    report(job, done, total, f"Liked Songs: {done} of {total}")


def _save(job: ImportJob, items: list, cursor: dict, counts: Counter, last: bool):
    """Store a batch and drop the un-liked inside its span; returns the next cursor."""
    if cursor.get("offset", 0) == 0:  # from here on the stored fingerprint is stale
        SpotifyAccount.objects.filter(user_id=job.owner_id).update(liked_fingerprint="")
    kept = [item for item in items if keepable(saved_target(item), counts)]
    ids = track_ids([item["track"] for item in kept], counts, job.force)
    saved = [(tid, added_at(item)) for tid, item in zip(ids, kept, strict=True) if tid]
    save_tracks(job.owner, saved)
    counts["saved"] += len(saved)
    # Spotify lists newest first: this batch covers (lowest added_at, previous lowest].
    # Saves whose added_at Spotify garbled may be dated anywhere here: the next span keeps
    # them too; a batch with no readable date at all leaves its span to the next one.
    undated = [tid for tid, at in saved if at is None]
    lowest = min(filter(None, map(added_at, items)), default=None)
    if lowest is None and not last:
        return {**cursor, "upper_ids": [*cursor.get("upper_ids", []), *undated]}
    keep = {tid for tid, _ in saved} | set(cursor.get("upper_ids", []))
    upper = parse_time(cursor.get("upper"))
    after = None if last else lowest
    counts["unliked"] += writes.drop_unliked(job.owner_id, after, upper, keep)
    at_lowest = [tid for tid, at in saved if lowest and at == lowest]
    upper_ids = at_lowest + undated
    return {**cursor, "upper": lowest.isoformat() if lowest else None, "upper_ids": upper_ids}


def head(page: dict) -> list | None:
    """The first item's track id and added_at: where every new like appears."""
    items = page["items"]
    return _summary(items[0]) if items else None


def fingerprint(page: dict) -> str:
    firsts = [_summary(item) for item in page["items"]]
    raw = json.dumps([page["total"], firsts], separators=(",", ":"))
    return hashlib.sha256(raw.encode()).hexdigest()


def _summary(item: object) -> list:
    target = saved_target(item)
    track_id = target.get("id") if isinstance(target, dict) else None
    return [track_id, item.get("added_at") if isinstance(item, dict) else None]
