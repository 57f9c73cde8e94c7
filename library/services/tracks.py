"""Tracks made, edited and deleted by hand (the API), with who may do what to the catalog.

The catalog is shared, so a user edits the catalog fields only of tracks they added (uploads,
tracks made by hand); staff edit any. Fields that come from Spotify stay as Spotify says on
Spotify tracks: the next import would overwrite them anyway. Deleting a track someone else
added only takes it out of the user's Liked Songs.

A track with a Spotify id is the catalog's, whoever made it: members get one only from an
import (the API refuses them a Spotify id), and only staff edit or delete one. Otherwise a
member could make a track by id before anyone imports it, and keep its fields, and the power
to delete it, once it is in other libraries.
"""

from collections.abc import Sequence

from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Q

from library.models import Album, Artist, Track, TrackArtist
from library.services import names
from library.services.bulk import batches, param_limit
from library.services.catalog import local_key
from library.services.errors import Conflict, NotAllowed
from library.services.saved import unsave_tracks

# What an import writes on a Spotify track, read-only everywhere else.
SPOTIFY_OWNED = (
    "title",
    "artists",
    "album",
    "disc_number",
    "track_number",
    "duration_ms",
    "explicit",
    "popularity",
    "isrc",
    "spotify_id",
    "source",
)
# field -> what a clash says (HTTP 409, with the existing track's id)
IDENTITIES = {
    "spotify_id": "a track with this Spotify id already exists",
    "youtube_id": "a track with this YouTube id already exists",
    "local_key": "a local file with this artist, album, title and duration already exists",
    "audio_sha256": "this file was uploaded before",
}

ArtistRef = int | str  # an artist id, or the name of an id-less artist
AlbumRef = int | str | None


NOT_EDITABLE = (
    "only the user who added this track, or staff, may change its catalog fields; "
    "you may change `saved` and `tags`"
)
SPOTIFY_BY_IMPORT = (
    "Spotify tracks come in through an import of your Spotify library; "
    "only an admin can add one by id"
)


def can_edit(user, track: Track) -> bool:
    """May `user` change this track's catalog fields (beyond their own tags and saves)?
    Staff: any track. A member: one they added, unless it has a Spotify id (made by id
    before members were refused one: it stays the catalog's)."""
    if user.is_staff:
        return True
    return bool(track.added_by_id and track.added_by_id == user.pk and not track.spotify_id)


def create_track(
    user, fields: dict, artists: Sequence[ArtistRef] = (), album: AlbumRef = None
) -> Track:
    """A track made by hand, added by `user`. Raises Conflict when its Spotify id, YouTube id
    or local-file identity is already in the catalog."""
    with transaction.atomic():
        artist_ids = resolve_artists(artists)
        track = Track(**fields, added_by=user)
        track.album_id = resolve_album(album, artists)
        if track.source == Track.Source.LOCAL:
            first = _artist_name(artists[0]) if artists else ""
            track.local_key = local_key(first, _album_name(album), track.title, track.duration_ms)
        _check_unique(track)
        try:
            with transaction.atomic():
                track.save()
        except IntegrityError:
            _check_unique(track)
            raise
        set_artists(track.pk, artist_ids)
    return track


KEEP = object()  # update_track: leave the album as it is


def update_track(
    track: Track, fields: dict, artists: Sequence[ArtistRef] | None = None, album=KEEP
) -> Track:
    """Change catalog fields of a track (the caller checked can_edit and SPOTIFY_OWNED)."""
    with transaction.atomic():
        for name, value in fields.items():
            setattr(track, name, value)
        if album is not KEEP:
            current = TrackArtist.objects.filter(track=track).order_by("position")
            first = (
                artists if artists is not None else current.values_list("artist_id", flat=True)[:1]
            )
            track.album_id = resolve_album(album, list(first))
        _check_unique(track)
        track.save()
        if artists is not None:
            set_artists(track.pk, resolve_artists(artists))
    return track


def delete_for_user(user, track: Track) -> str:
    """ "deleted" (a track the user may edit), "released" (a Spotify track the user made by
    id: it stays in the catalog, no longer theirs), or "unsaved" (someone else's track, taken
    out of the user's Liked Songs). Raises NotAllowed when it was none of these."""
    if can_edit(user, track):
        files = {f.name for f in (track.audio_file, track.vocals_file, track.instrumental_file)}
        track.delete()
        delete_unused_files(files)
        return "deleted"
    unsaved = unsave_tracks(user, [track.pk])
    if track.added_by_id == user.pk:
        # update(), not save(): a fresh updated_at would spare the fields its maker set
        # from the next import's rewrite (see spotify_auth.importer.batching.FRESH_FOR)
        Track.objects.filter(pk=track.pk).update(added_by=None)
        return "released"
    if unsaved:
        return "unsaved"
    raise NotAllowed(
        "only the user who added this track, or staff, may delete it; it is in your library "
        "through a playlist or a download"
    )


def resolve_artists(artists: Sequence[ArtistRef]) -> list[int]:
    """Artist ids in order: ids as given, names through the id-less artist rows."""
    by_name = names.local_artist_ids([a for a in artists if isinstance(a, str)])
    return [
        a if isinstance(a, int) else by_name[a]
        for a in artists
        if isinstance(a, int) or a in by_name
    ]


def resolve_album(album: AlbumRef, artists: Sequence[ArtistRef]) -> int | None:
    """An album id: as given, or the id-less album of that name by the first artist."""
    if album is None or isinstance(album, int):
        return album
    first = _artist_name(artists[0]) if artists else ""
    artist_ids = names.local_artist_ids([first]) if first else {}
    return names.local_album_ids([(album, first)], artist_ids).get((album, first))


def set_artists(track_id: int, artist_ids: Sequence[int]) -> None:
    """Replace a track's artists with `artist_ids`, in order (repeats dropped)."""
    ordered = list(dict.fromkeys(artist_ids))
    TrackArtist.objects.filter(track_id=track_id).delete()
    TrackArtist.objects.bulk_create(
        [TrackArtist(track_id=track_id, artist_id=a, position=i) for i, a in enumerate(ordered)]
    )


def _artist_name(artist: ArtistRef) -> str:
    if isinstance(artist, str):
        return artist
    return Artist.objects.filter(pk=artist).values_list("name", flat=True).first() or ""


def _album_name(album: AlbumRef) -> str:
    if album is None or isinstance(album, str):
        return album or ""
    return Album.objects.filter(pk=album).values_list("name", flat=True).first() or ""


def _check_unique(track: Track) -> None:
    for field, message in IDENTITIES.items():
        value = getattr(track, field)
        if not value:
            continue
        clash = Track.objects.filter(**{field: value}).exclude(pk=track.pk)
        existing = clash.values_list("pk", flat=True).first()
        if existing:
            raise Conflict(message, existing)


FILE_FIELDS = ("audio_file", "vocals_file", "instrumental_file")


def delete_unused_files(file_names: set[str]) -> None:
    """Once the deletes around it commit, the files among `file_names` that no track names any
    more. A file another track still names stays (downloads' remove_old_download spares such
    a file the same way)."""
    wanted = file_names - {""}
    used: set[str] = set()
    for chunk in batches(sorted(wanted), param_limit() // 3 - 10):
        named = Q(audio_file__in=chunk) | Q(vocals_file__in=chunk) | Q(instrumental_file__in=chunk)
        for row in Track.objects.filter(named).values_list(*FILE_FIELDS):
            used.update(row)
    unused = sorted(wanted - used)
    if unused:
        transaction.on_commit(lambda: _delete_files(unused))


def _delete_files(file_names: list[str]) -> None:
    for name in file_names:
        if name:
            default_storage.delete(name)
