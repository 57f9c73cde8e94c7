"""TrackFacts (what rules.dsl's evaluator reads) for tracks in the database.

Used to explain a preview's tracks and to hold the SQL compiler to the Python evaluator.
`likedat` and `dateadded` come from the same SQL expressions the compiler filters on
(rules.query.sources), so both sides mean one thing by them. Six queries, whatever the
number of tracks.
"""

from collections import defaultdict
from typing import Any

from django.db.models import QuerySet

from library.models import AlbumArtist, PlaylistEntry, Track, TrackArtist, TrackEnrichment, TrackTag
from rules.dsl import TrackFacts

from .query.scope import Scope
from .query.sources import COLUMNS, joins


def load_facts(
    tracks: QuerySet[Track], owner, exclude_playlist_id: int | None = None
) -> list[TrackFacts]:
    """Facts for `tracks` as `owner` sees them, in track id order."""
    scope = Scope(getattr(owner, "pk", owner), exclude_playlist_id)
    ids = tracks.order_by().values("pk")
    rows = list(
        Track.objects.filter(pk__in=ids)
        .annotate(**joins(scope))
        .annotate(
            tf_liked=COLUMNS["liked"](scope),
            tf_likedat=COLUMNS["likedat"](scope),
            tf_added=COLUMNS["dateadded"](scope),
        )
        .select_related("album")
        .order_by("pk")
    )
    related = _related(ids, scope, {row.album_id for row in rows if row.album_id})
    return [_facts(row, related) for row in rows]


def _related(ids, scope: Scope, album_ids: set[int]) -> dict[str, dict[int, list]]:
    out: dict[str, dict[int, list]] = defaultdict(lambda: defaultdict(list))
    artists = TrackArtist.objects.filter(track__in=ids).order_by("track", "position", "pk")
    for track_id, name in artists.values_list("track_id", "artist__name"):
        out["artists"][track_id].append(name)
    credits = AlbumArtist.objects.filter(album__in=album_ids).order_by("album", "position", "pk")
    for album_id, name in credits.values_list("album_id", "artist__name"):
        out["albumartists"][album_id].append(name)
    enrichments = TrackEnrichment.objects.filter(track__in=ids).order_by("track", "provider", "pk")
    for track_id, provider, data in enrichments.values_list("track_id", "provider", "data"):
        out["enrichments"][track_id].append((provider, data))
    tags = TrackTag.objects.filter(owner_id=scope.owner_id, track__in=ids).order_by("track", "pk")
    for track_id, name in tags.values_list("track_id", "name"):
        out["tags"][track_id].append(name)
    entries = PlaylistEntry.objects.filter(playlist__owner_id=scope.owner_id, track__in=ids)
    if scope.exclude_playlist_id is not None:
        entries = entries.exclude(playlist_id=scope.exclude_playlist_id)
    entries = entries.order_by("track", "playlist", "position")
    for track_id, playlist_id, name in entries.values_list(
        "track_id", "playlist_id", "playlist__name"
    ):
        out["playlists"][track_id].append((playlist_id, name))
    return out


def _genres(enrichments: list[tuple[str, Any]]) -> list[str]:
    """The string items of every provider's `genres` list (what the SQL reads as genre)."""
    found = []
    for _, data in enrichments:
        items = data.get("genres") if isinstance(data, dict) else None
        if isinstance(items, list):
            found.extend(item for item in items if isinstance(item, str))
    return found


def _facts(row: Track, related: dict[str, dict[int, list]]) -> TrackFacts:
    album = row.album
    enrichments = related["enrichments"].get(row.pk, [])
    return TrackFacts(
        id=row.pk,
        title=row.title,
        artists=related["artists"].get(row.pk, []),
        albumartists=related["albumartists"].get(row.album_id, []) if album else [],
        album=album.name if album else None,
        genres=_genres(enrichments),
        year=album.release_year if album else None,
        releasedate=album.release_date if album else None,
        duration=row.duration_ms / 1000 if row.duration_ms is not None else None,
        explicit=row.explicit,
        popularity=row.popularity,
        isrc=row.isrc,
        source=row.source,
        liked=row.tf_liked,
        likedat=row.tf_likedat,
        dateadded=row.tf_added,
        hasaudio=bool(row.audio_file),
        status=row.status,
        tags=related["tags"].get(row.pk, []),
        playlists=related["playlists"].get(row.pk, []),
        enrichments={p: d for p, d in enrichments if isinstance(d, dict)},
    )
