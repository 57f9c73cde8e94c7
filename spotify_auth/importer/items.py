"""Reading Spotify's items: which are tracks we keep, and what the others were."""

from collections import Counter
from datetime import datetime


def parse_time(value: str | None) -> datetime | None:
    """Spotify's "2024-06-01T12:00:00Z"; None for missing (very old playlist entries)."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def entry_target(entry: dict | None) -> dict | None:
    """A playlist entry's track or episode (under `item`; `track` before the 2024 change)."""
    if not entry:
        return None
    return entry.get("item", entry.get("track"))


def keepable(target: dict | None, counts: Counter) -> bool:
    """True for a track (local files too); counts what is skipped and why."""
    if not target:
        counts["unavailable"] += 1  # removed from Spotify: `item` is null
        return False
    if target.get("type") == "episode":
        counts["episodes"] += 1
        return False
    if target.get("is_local"):
        counts["local"] += 1
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
    return note


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
