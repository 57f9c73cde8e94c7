"""Where each rule field's values live in the database, as expressions over `library.Track`.

A single-valued field is an expression on the track's row (its album joined where needed,
or a scalar subquery of the owner's rows). A multi-valued field is a set of related rows
with a value column: a condition on it becomes EXISTS over those rows. `dateadded` and
`likedat` are defined here once; rules.facts reads them through the same expressions.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.db.models import (
    Case,
    DateTimeField,
    Exists,
    F,
    FloatField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Least, NullIf

from library.models import (
    AlbumArtist,
    PlaylistEntry,
    SavedTrack,
    TrackArtist,
    TrackEnrichment,
    TrackTag,
)

from .expressions import SortText


@dataclass(frozen=True)
class Scope:
    """Whose library a rule reads, and which playlist (its own target) it never sees."""

    owner_id: int
    exclude_playlist_id: int | None = None


def playlist_entries(scope: Scope) -> QuerySet:
    """The owner's playlist entries of the outer track, the rule's own target left out."""
    entries = PlaylistEntry.objects.filter(playlist__owner_id=scope.owner_id, track=OuterRef("pk"))
    if scope.exclude_playlist_id is not None:
        entries = entries.exclude(playlist_id=scope.exclude_playlist_id)
    return entries


def saved(scope: Scope) -> QuerySet:
    return SavedTrack.objects.filter(user_id=scope.owner_id, track=OuterRef("pk"))


def liked_at(scope: Scope) -> Subquery:
    return Subquery(saved(scope).values("added_at")[:1], output_field=DateTimeField())


# Later than any real instant: stands in for "no value" inside LEAST, which SQLite (as MIN)
# would otherwise turn NULL as soon as one source is NULL.
NEVER = dt.datetime(9999, 12, 31, tzinfo=dt.UTC)


def _earliest(rows: QuerySet, column: str) -> Subquery:
    first = rows.order_by().values("track").annotate(first=Min(column)).values("first")
    return Subquery(first, output_field=DateTimeField())


def date_added(scope: Scope) -> NullIf:
    """When the track first entered the owner's library: the earliest of its like, its
    entries in the owner's playlists (not the rule's own target), its creation if the
    owner added it, and the owner's completed downloads of it. NULL when none is known."""
    owner = scope.owner_id
    sources = [
        _earliest(saved(scope), "added_at"),
        _earliest(playlist_entries(scope), "added_at"),
        Case(When(added_by_id=owner, then=F("created_at")), output_field=DateTimeField()),
    ]
    downloads = _download_model()
    if downloads is not None:
        done = downloads.objects.filter(owner_id=owner, status="completed", track=OuterRef("pk"))
        sources.append(_earliest(done, "created_at"))
    never = Value(NEVER, output_field=DateTimeField())
    least = Least(*(Coalesce(s, never, output_field=DateTimeField()) for s in sources))
    return NullIf(least, never, output_field=DateTimeField())


def _download_model():
    try:
        return apps.get_model("downloads", "DownloadJob")
    except LookupError:
        return None


def has_audio() -> Case:
    empty = Q(audio_file__isnull=True) | Q(audio_file="")
    return Case(When(empty, then=Value(False)), default=Value(True))


def duration() -> Cast:
    """Seconds, as a float: duration_ms / 1000 computed in double precision everywhere."""
    return Cast(F("duration_ms"), FloatField()) / Value(1000.0, output_field=FloatField())


# field -> (scope -> expression) for fields with one value per track
COLUMNS: dict[str, Callable[[Scope], object]] = {
    "title": lambda s: F("title"),
    "album": lambda s: F("album__name"),
    "year": lambda s: F("album__release_year"),
    "releasedate": lambda s: F("album__release_date"),
    "duration": lambda s: duration(),
    "explicit": lambda s: F("explicit"),
    "popularity": lambda s: F("popularity"),
    "isrc": lambda s: F("isrc"),
    "source": lambda s: F("source"),
    "status": lambda s: F("status"),
    "liked": lambda s: Exists(saved(s)),
    "likedat": liked_at,
    "dateadded": date_added,
    "hasaudio": lambda s: has_audio(),
}


@dataclass(frozen=True)
class Related:
    """Rows related to the outer track, and the column holding each row's value."""

    rows: Callable[[Scope], QuerySet]
    value: str


RELATED: dict[str, Related] = {
    "artist": Related(lambda s: TrackArtist.objects.filter(track=OuterRef("pk")), "artist__name"),
    "albumartist": Related(
        lambda s: AlbumArtist.objects.filter(album=OuterRef("album_id")), "artist__name"
    ),
    "tag": Related(
        lambda s: TrackTag.objects.filter(owner_id=s.owner_id, track=OuterRef("pk")), "name"
    ),
}


def enrichments(provider: str | None = None) -> QuerySet:
    rows = TrackEnrichment.objects.filter(track=OuterRef("pk"))
    return rows if provider is None else rows.filter(provider=provider)


def first_name(field: str, scope: Scope) -> Subquery:
    """The first non-empty name in credit order (position, then id): what artist and
    albumartist sort by."""
    related = RELATED[field]
    rows = related.rows(scope).exclude(**{related.value: ""}).order_by("position", "pk")
    return Subquery(rows.values_list(SortText(related.value))[:1])
