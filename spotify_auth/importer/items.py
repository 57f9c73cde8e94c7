"""Reading Spotify's items: which are tracks we keep, and what the others were."""

from collections import Counter
from datetime import UTC, datetime


def parse_time(value: object) -> datetime | None:
    """Spotify's "2024-06-01T12:00:00Z" (UTC where no offset is given); None for missing
    (very old playlist entries) or for what is no time at all ("yesterday", 17)."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def saved_target(item: object) -> object:
    """A Liked Songs item's track (a non-object item stands for itself: malformed)."""
    return item.get("track") if isinstance(item, dict) else item


def entry_target(entry: object) -> object:
    """A playlist entry's track or episode (under `item`; `track` before the 2024 change)."""
    if not entry:
        return None
    if not isinstance(entry, dict):
        return entry
    return entry.get("item", entry.get("track"))


def added_at(item: object) -> datetime | None:
    """When a Liked Songs item or a playlist entry was added, if it says so readably."""
    return parse_time(item.get("added_at")) if isinstance(item, dict) else None


def keepable(target: object, counts: Counter) -> bool:
    """True for a track (local files too); counts what is skipped and why. Whether a track
    is usable (has an id and a title) the catalog decides: see batching.track_ids."""
    if not target:
        counts["unavailable"] += 1  # removed from Spotify: `item` is null
        return False
    if not isinstance(target, dict):
        counts["malformed"] += 1
        return False
    if target.get("type") == "episode":
        counts["episodes"] += 1
        return False
    return True


def skipped_note(counts: Counter) -> str:
    """ "; skipped 2 episodes, 1 unavailable track" or ""."""
    parts = []
    if counts["episodes"]:
        parts.append(_plural(counts["episodes"], "episode"))
    if counts["unavailable"]:
        parts.append(_plural(counts["unavailable"], "unavailable track"))
    note = f"; skipped {', '.join(parts)}" if parts else ""
    if counts["local"]:
        note += f"; {_plural(counts['local'], 'local file')} kept as source=local"
    if counts["malformed"]:
        items, was = _plural(counts["malformed"], "item"), _was(counts["malformed"])
        note += f"; {items} Spotify sent {was} malformed and skipped"
    return note


def _was(n: int) -> str:
    return "was" if n == 1 else "were"


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
