"""Pages gathered into batches for the database, and tracks the catalog already has fresh.

A batch of eight pages (400 rows) costs the same few statements as one page, so the import
keeps up with the pages it fetches; each page still reports progress as it arrives.
"""

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from datetime import timedelta

from django.utils import timezone

from library.models import Track
from library.services.catalog import track_key, upsert_tracks

BATCH_PAGES = 8
# A track the catalog wrote this recently is not rewritten by an import (a playlist import
# after the Liked Songs one finds most of its tracks there); a forced import rewrites all.
FRESH_FOR = timedelta(days=1)


def batched(
    pages: Iterable[dict], on_page: Callable[[dict], None], size: int = BATCH_PAGES
) -> Iterator[list[dict]]:
    """Groups of up to `size` pages; `on_page` runs as each arrives. When fetching fails, the
    pages already fetched come out first, then the error: what was read is kept."""
    batch, pages = [], iter(pages)
    while True:
        try:
            page = next(pages)
        except StopIteration:
            break
        except Exception as exc:
            if batch:
                yield batch
            raise exc
        on_page(page)
        batch.append(page)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def track_ids(targets: list[dict], counts: Counter, force: bool = False) -> list[int | None]:
    """catalog_ids, counting the local files kept and the items no track could be made of."""
    ids = catalog_ids(targets, force)
    for target, track_id in zip(targets, ids, strict=True):
        if track_id is None:
            counts["malformed"] += 1
        elif target.get("is_local"):
            counts["local"] += 1
    return ids


def catalog_ids(items: list[dict], force: bool = False) -> list[int | None]:
    """Track ids for Spotify track objects, in order: fresh ones looked up, others upserted;
    None for an item no track can be made of (library.services.catalog.track_key)."""
    if force or not items:
        return upsert_tracks(items)
    keys = [track_key(item) for item in items]
    known = _fresh([key for key in keys if key])
    missing = {key: item for key, item in zip(keys, items, strict=True) if key and key not in known}
    if missing:
        known.update(zip(missing, upsert_tracks(list(missing.values())), strict=True))
    return [known[key] if key else None for key in keys]


def _fresh(keys: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
    since = timezone.now() - FRESH_FOR
    found = {}
    for kind, column in (("spotify", "spotify_id"), ("local", "local_key")):
        wanted = {key for k, key in keys if k == kind}
        if wanted:
            rows = Track.objects.filter(**{f"{column}__in": wanted, "updated_at__gte": since})
            if kind == "spotify":  # a row made by hand is Spotify's to rewrite, fresh or not
                rows = rows.filter(added_by=None)
            found.update(((kind, key), pk) for key, pk in rows.values_list(column, "pk"))
    return found
