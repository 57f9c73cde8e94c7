"""Where each rule field's values live in the database, as expressions over `library.Track`.

For sorting and facts, a field is an expression on the track's row: its own columns, its
album's (joined), the owner's like (a LEFT JOIN through `joins()`, one row at most) and an
enrichment number (an index look-up). For conditions, whatever lives in another table is a
set of tracks: `IN (subquery)` over artists, albums, tags, playlist entries or stored
enrichment values (rules.EnrichmentValue), found once per query rather than once per track
(enrichment sets may be asked per track when the planner expects few tracks to get that
far, and every set is asked per track while a preview walks an index in the rule's order:
see `conditions.Context`). `dateadded` is in `dates`.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Case,
    Exists,
    F,
    FilteredRelation,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast

from library.models import (
    Album,
    AlbumArtist,
    Artist,
    PlaylistEntry,
    TrackArtist,
    TrackTag,
)
from library.services.scope import membership_q
from rules.models import EnrichmentValue

from .dates import date_added
from .expressions import CodePoints, SortText
from .scope import MEMBER, SAVED, Holds, Scope, tracks_among


def joins(scope: Scope) -> dict[str, FilteredRelation]:
    """The joins the expressions below may use; Django adds only those they use. MEMBER is
    the track's library row, none for a track in the library only through the rule's own
    target (compile_rule requires it when it sorts by `dateadded` first)."""
    member = membership_q(
        scope.owner_id, exclude_playlist_id=scope.exclude_playlist_id, prefix="memberships__"
    )
    return {
        SAVED: FilteredRelation("saves", condition=Q(saves__user_id=scope.owner_id)),
        MEMBER: FilteredRelation("memberships", condition=member),
    }


def enrichment_number(name: str) -> Subquery:
    """`PROVIDER.KEY` when it is a number, else NULL: one look into an index per track."""
    provider, _, key = name.partition(".")
    rows = EnrichmentValue.objects.filter(
        track=OuterRef("pk"), provider=provider, key=key, kind=EnrichmentValue.Kind.NUMBER
    )
    return Subquery(rows.values("number")[:1], output_field=FloatField())


def enrichment_text(name: str) -> CodePoints:
    """`PROVIDER.KEY` when it is a string, folded, else NULL: what sorts after numbers."""
    provider, _, key = name.partition(".")
    rows = EnrichmentValue.objects.filter(
        track=OuterRef("pk"), provider=provider, key=key, kind=EnrichmentValue.Kind.STRING
    )
    return CodePoints(Subquery(rows.values("folded")[:1], output_field=TextField()))


def _flag(condition: Q) -> Case:
    return Case(
        When(condition, then=Value(True)), default=Value(False), output_field=BooleanField()
    )


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
    "liked": lambda s: _flag(Q(**{f"{SAVED}__isnull": False})),
    "likedat": lambda s: F(f"{SAVED}__added_at"),
    "dateadded": date_added,
    "hasaudio": lambda s: _flag(~Q(audio_file__isnull=True) & ~Q(audio_file="")),
}

# Album fields: as a set of albums for conditions (found among albums, not joined row by
# row); the join in COLUMNS is for sorting.
ALBUM_COLUMNS = {"album": "name", "year": "release_year", "releasedate": "release_date"}


def on_album(column: str, holds: Holds, per_track: bool = False) -> Q:
    """Tracks whose album's `column` value `holds`; a track without an album has none.
    (Django's NOT over a nullable IN keeps album-less tracks for negations.) Per track, the
    test is on the joined album row: a year test then narrows the walk of the year index."""
    if per_track:
        return holds(F(f"album__{column}"))
    return Q(album__in=Album.objects.filter(holds(F(column))))


@dataclass(frozen=True)
class Related:
    """A multi-valued field: `having(scope, holds)` is a Q over tracks with at least one
    value for which `holds` is true, as `IN (subquery)` computed once per query (matching
    artists are found among artists, not once per track). `rows` are the outer track's
    rows in credit order, with their value in `value` (what sorting reads)."""

    having: Callable[[Scope, Holds], Q]
    rows: Callable[[Scope], QuerySet]
    value: str

    def having_per_track(self, scope: Scope, holds: Holds) -> Q:
        """The same test as EXISTS over the track's own rows, their value joined (an IN
        set nested in it would be found again for every track)."""
        return Q(Exists(self.rows(scope).filter(holds(F(self.value)))))


def _artists(holds: Holds) -> QuerySet:
    return Artist.objects.filter(holds(F("name")))


RELATED: dict[str, Related] = {
    "artist": Related(
        lambda s, holds: Q(
            pk__in=TrackArtist.objects.filter(artist__in=_artists(holds)).values("track_id")
        ),
        lambda s: TrackArtist.objects.filter(track=OuterRef("pk")),
        "artist__name",
    ),
    "albumartist": Related(
        lambda s, holds: Q(
            album__in=AlbumArtist.objects.filter(artist__in=_artists(holds)).values("album_id")
        ),
        lambda s: AlbumArtist.objects.filter(album=OuterRef("album_id")),
        "artist__name",
    ),
    "tag": Related(
        lambda s, holds: Q(
            pk__in=TrackTag.objects.filter(owner_id=s.owner_id)
            .filter(holds(F("name")))
            .values("track_id")
        ),
        lambda s: TrackTag.objects.filter(owner_id=s.owner_id, track=OuterRef("pk")),
        "name",
    ),
}


def with_genre(test: Q, per_track: bool = False) -> Q:
    """Tracks with a genre (a string in any provider's `genres` list) passing `test`, a
    Q over its stored row."""
    rows = EnrichmentValue.objects.filter(key="genres", kind=EnrichmentValue.Kind.GENRE)
    return tracks_among(rows.filter(test), per_track)


def with_enrichment(name: str, test: Q, per_track: bool = False) -> Q:
    """Tracks whose `PROVIDER.KEY` value passes `test`, a Q over its stored row."""
    provider, _, key = name.partition(".")
    rows = EnrichmentValue.objects.filter(provider=provider, key=key)
    return tracks_among(rows.filter(test), per_track)


def in_playlists(scope: Scope, playlists: Q, per_track: bool = False) -> Q:
    """Tracks in those of the owner's playlists that `playlists` picks (target left out)."""
    entries = PlaylistEntry.objects.filter(playlist__owner_id=scope.owner_id).filter(playlists)
    if scope.exclude_playlist_id is not None:
        entries = entries.exclude(playlist_id=scope.exclude_playlist_id)
    return tracks_among(entries, per_track)


def first_name(field: str, scope: Scope) -> Subquery:
    """The first non-empty name in credit order (position, then id): what artist and
    albumartist sort by."""
    related = RELATED[field]
    rows = related.rows(scope).exclude(**{related.value: ""}).order_by("position", "pk")
    return Subquery(rows.values_list(SortText(related.value))[:1])
