"""Pages gathered into batches for the database, and tracks the catalog already has fresh.

A batch of eight pages (400 rows) costs the same few statements as one page, so the import
keeps up with the pages it fetches; each page still reports progress as it arrives.
"""

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


def catalog_ids(items: list[dict], force: bool = False) -> list[int]:
    """Track ids for Spotify track objects, in order: fresh ones looked up, others upserted."""
    if force or not items:
        return upsert_tracks(items)
    keys = [track_key(item) for item in items]
    known = _fresh(keys)
    missing = {key: item for key, item in zip(keys, items, strict=True) if key not in known}
    if missing:
        known.update(zip(missing, upsert_tracks(list(missing.values())), strict=True))
    return [known[key] for key in keys]


def _fresh(keys: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
    since = timezone.now() - FRESH_FOR
    found = {}
    for kind, column in (("spotify", "spotify_id"), ("local", "local_key")):
        wanted = {key for k, key in keys if k == kind}
        if wanted:
            rows = Track.objects.filter(**{f"{column}__in": wanted, "updated_at__gte": since})
            found.update(((kind, key), pk) for key, pk in rows.values_list(column, "pk"))
    return found
