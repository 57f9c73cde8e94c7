"""A user's own tags on tracks. Names are trimmed; "Chill" and "chill" are one tag."""

from collections.abc import Iterable, Sequence

from django.db import transaction

from library.models import TrackTag
from library.services.bulk import batches, param_limit, real_sqlite_limit

NAME_MAX = 100


def clean_tag(name: str) -> str:
    """The stored form of a tag name; raises ValueError for an empty or too long one."""
    name = " ".join((name or "").split())
    if not name:
        raise ValueError("a tag needs a name")
    if len(name) > NAME_MAX:
        raise ValueError(f"a tag name has at most {NAME_MAX} characters")
    return name


def add_tag(user, track_ids: Iterable[int], name: str) -> int:
    """Tag tracks for `user`; tracks that already carry the tag (in any case) are skipped."""
    name = clean_tag(name)
    with transaction.atomic(), real_sqlite_limit():
        tagged = TrackTag.objects.filter(owner=user, name__iexact=name)
        # skipped here, not only by the unique constraint: SQLite's LOWER() folds ASCII only
        before = set(tagged.values_list("track_id", flat=True))
        rows = [TrackTag(owner=user, track_id=pk, name=name) for pk in set(track_ids) - before]
        TrackTag.objects.bulk_create(rows, ignore_conflicts=True)
        return tagged.count() - len(before)


def remove_tag(user, track_ids: Iterable[int], name: str) -> int:
    """Remove `user`'s tag (any case) from tracks; returns how many tags were removed."""
    name = clean_tag(name)
    removed = 0
    with transaction.atomic():
        for batch in batches(track_ids, param_limit() - 10):
            found = TrackTag.objects.filter(owner=user, name__iexact=name, track_id__in=batch)
            removed += found.delete()[0]
    return removed


def set_tags(user, track_id: int, names: Sequence[str]) -> list[str]:
    """Make `names` the user's whole set of tags on one track; returns them, cleaned."""
    cleaned = list({clean_tag(name).casefold(): clean_tag(name) for name in names}.values())
    with transaction.atomic():
        TrackTag.objects.filter(owner=user, track_id=track_id).delete()
        # the database's LOWER() may fold two names into one that casefold() keeps apart
        # ("İstanbul" and "istanbul" on PostgreSQL): the first is kept, as for any case
        TrackTag.objects.bulk_create(
            [TrackTag(owner=user, track_id=track_id, name=name) for name in cleaned],
            ignore_conflicts=True,
        )
        kept = TrackTag.objects.filter(owner=user, track_id=track_id).values_list("name", flat=True)
    return sorted(kept, key=str.casefold)
