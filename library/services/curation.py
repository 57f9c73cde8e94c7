"""The curation status of catalog tracks (new, reviewed, approved, rejected)."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from library.models import Track
from library.services.bulk import batches, param_limit


def set_status(track_ids: Iterable[int], status: str) -> int:
    """Set the status of tracks; returns how many changed. Raises ValueError for a bad one."""
    if status not in Track.Status.values:
        raise ValueError(f"status must be one of {', '.join(Track.Status.values)}, got {status!r}")
    changed = 0
    with transaction.atomic():
        for batch in batches(track_ids, param_limit() - 10):
            changed += (
                Track.objects.filter(pk__in=batch)
                .exclude(status=status)
                .update(status=status, updated_at=timezone.now())
            )
    return changed
