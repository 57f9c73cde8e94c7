"""The shared catalog (artists, albums, tracks) and each user's library on top of it.

The catalog is global: one row per Spotify id, YouTube id or local file, whoever imported it.
What belongs to a user (saved tracks, playlists, tags) points into it; a user's library is the
tracks they saved, have in their playlists, uploaded, or downloaded (see services.scope).
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower


def _ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th ... 11th, 12th, 13th ... 21st."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


class Timestamped(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Artist(Timestamped):
    """A performer, from Spotify (with an id) or named by a file's tags (without)."""

    name = models.CharField(max_length=500)
    spotify_id = models.CharField(max_length=64, unique=True, null=True, blank=True)
    # Artists without a Spotify id (local files, uploads) are one row per case-folded name.
    local_key = models.CharField(max_length=64, unique=True, null=True, blank=True)
    image_url = models.URLField(max_length=1000, blank=True)

    class Meta:
        ordering = ["name"]
        indexes = [
            # admin/API ordering and autocomplete by name; the lookup of id-less artists by name
            models.Index(fields=["name"], name="artist_name_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class Album(Timestamped):
    class Precision(models.TextChoices):
        YEAR = "year"
        MONTH = "month"
        DAY = "day"

    name = models.CharField(max_length=500)
    spotify_id = models.CharField(max_length=64, unique=True, null=True, blank=True)
    album_type = models.CharField(max_length=32, blank=True)
    release_date = models.DateField(null=True, blank=True, help_text="Padded to its precision.")
    release_date_precision = models.CharField(max_length=8, choices=Precision.choices, blank=True)
    release_year = models.PositiveSmallIntegerField(null=True, blank=True)
    cover_url = models.URLField(max_length=1000, blank=True)
    total_tracks = models.PositiveSmallIntegerField(null=True, blank=True)
    # Albums without a Spotify id (local files, uploads) are known by name and album artist,
    # so two "Greatest Hits" by different artists stay two albums.
    local_key = models.CharField(max_length=64, unique=True, null=True, blank=True)
    artists = models.ManyToManyField(Artist, through="AlbumArtist", related_name="albums")

    class Meta:
        ordering = ["name"]
        indexes = [
            # ordering and autocomplete by name; id-less albums looked up by name
            models.Index(fields=["name"], name="album_name_idx"),
            # year filters and decade facets
            models.Index(fields=["release_year"], name="album_year_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class AlbumArtist(models.Model):
    album = models.ForeignKey(Album, on_delete=models.CASCADE, related_name="album_artists")
    artist = models.ForeignKey(Artist, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["album_id", "position"]  # by id: "album" would join and sort by name
        constraints = [
            models.UniqueConstraint(fields=["album", "artist"], name="albumartist_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.artist} ({_ordinal(self.position + 1)} artist)"


class Track(Timestamped):
    class Source(models.TextChoices):
        SPOTIFY = "spotify"
        YOUTUBE = "youtube"
        UPLOAD = "upload"
        LOCAL = "local"

    class Status(models.TextChoices):
        NEW = "new"
        REVIEWED = "reviewed"
        APPROVED = "approved"
        REJECTED = "rejected"

    title = models.CharField(max_length=500)
    album = models.ForeignKey(
        Album,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tracks",
        db_index=False,  # track_album_title_idx leads with it
    )
    artists = models.ManyToManyField(Artist, through="TrackArtist", related_name="tracks")
    disc_number = models.PositiveSmallIntegerField(default=1)
    track_number = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    explicit = models.BooleanField(default=False)
    popularity = models.PositiveSmallIntegerField(null=True, blank=True)
    isrc = models.CharField(max_length=16, blank=True)
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.SPOTIFY)
    spotify_id = models.CharField(max_length=64, unique=True, null=True, blank=True)
    youtube_id = models.CharField(max_length=32, unique=True, null=True, blank=True)
    # Spotify local files have no id: they are known by artist, album, title and duration.
    local_key = models.CharField(max_length=64, unique=True, null=True, blank=True)
    audio_file = models.FileField(upload_to="tracks/", max_length=500, blank=True)
    audio_sha256 = models.CharField(max_length=64, unique=True, null=True, blank=True)
    vocals_file = models.FileField(upload_to="stems/", max_length=500, blank=True)
    instrumental_file = models.FileField(upload_to="stems/", max_length=500, blank=True)
    lyrics = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NEW)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="added_tracks",
        help_text="Who uploaded or created it by hand.",
    )

    class Meta:
        ordering = ["title", "id"]
        indexes = [
            # ordering and search by title
            models.Index(fields=["title"], name="track_title_idx"),
            # look-up by ISRC (dedupe on import and upload, download matching)
            models.Index(fields=["isrc"], name="track_isrc_idx"),
            # filter by source; uploads of a user
            models.Index(fields=["source"], name="track_source_idx"),
            models.Index(fields=["added_by"], name="track_added_by_idx"),
            # newest first
            models.Index(fields=["-created_at"], name="track_created_idx"),
            # list pages ordered by popularity or duration, ties by id (read in either
            # direction, so one index serves ?ordering=popularity and -popularity)
            models.Index(fields=["popularity", "id"], name="track_popularity_idx"),
            models.Index(fields=["duration_ms", "id"], name="track_duration_idx"),
            # an album's tracks, and their titles without reading the rows: a rule on the
            # year (or album) sorted by title reads 12,839 of 100,000 tracks in 31 ms
            # instead of 43 (bench/rules.py, rule 1)
            models.Index(fields=["album", "title"], name="track_album_title_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(source="spotify") | models.Q(spotify_id__isnull=False),
                name="track_spotify_has_id",
            ),
            models.CheckConstraint(
                condition=models.Q(popularity__isnull=True) | models.Q(popularity__lte=100),
                name="track_popularity_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def has_audio(self) -> bool:
        return bool(self.audio_file)


class TrackArtist(models.Model):
    """A track's artists, in the order the source lists them."""

    # both indexed below, each first in an index of two columns
    track = models.ForeignKey(
        Track, on_delete=models.CASCADE, related_name="track_artists", db_index=False
    )
    artist = models.ForeignKey(
        Artist, on_delete=models.CASCADE, related_name="track_links", db_index=False
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["track_id", "position"]  # by id: "track" would join and sort by title
        constraints = [
            models.UniqueConstraint(fields=["track", "artist"], name="trackartist_unique"),
        ]
        indexes = [
            # a track's artists in credit order, read without sorting (first-artist sorts,
            # pages of tracks)
            models.Index(fields=["track", "position"], name="trackartist_track_pos_idx"),
            # "tracks by this artist" (filter artist=, rules on artist)
            models.Index(fields=["artist", "track"], name="trackartist_artist_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.artist} ({_ordinal(self.position + 1)} artist)"


class SavedTrack(models.Model):
    """A track in a user's Liked Songs."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_tracks"
    )
    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="saves")
    added_at = models.DateTimeField()

    class Meta:
        ordering = ["-added_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "track"], name="savedtrack_unique"),
        ]
        indexes = [
            # Liked Songs newest first
            models.Index(fields=["user", "-added_at"], name="savedtrack_user_added_idx"),
            # "is this track saved by anyone" and scope sub-queries by track
            models.Index(fields=["track", "user"], name="savedtrack_track_idx"),
            # everyone's saves newest first (the admin's list; ties by id)
            models.Index(fields=["added_at", "id"], name="savedtrack_added_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} saved {self.track_id}"


class Playlist(Timestamped):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="playlists"
    )
    name = models.CharField(max_length=500)
    description = models.TextField(blank=True)
    # NULL, not "", for playlists made here: the (owner, spotify_id) constraint skips NULLs.
    spotify_id = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001
    snapshot_id = models.CharField(max_length=200, blank=True)
    spotify_owner_id = models.CharField(max_length=200, blank=True)
    spotify_owner_name = models.CharField(max_length=500, blank=True)
    public = models.BooleanField(default=False)
    collaborative = models.BooleanField(default=False)
    readable = models.BooleanField(
        default=True, help_text="False when Spotify refuses to list its items (a followed list)."
    )
    unreadable_reason = models.CharField(max_length=300, blank=True)
    image_url = models.URLField(max_length=1000, blank=True)
    imported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "spotify_id"], name="playlist_owner_spotify"),
        ]
        indexes = [
            # a user's playlists by name; inPlaylist {"name": ...} look-ups
            models.Index(fields=["owner", "name"], name="playlist_owner_name_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class PlaylistEntry(models.Model):
    """One slot in a playlist: ordered, and the same track may fill several slots."""

    playlist = models.ForeignKey(Playlist, on_delete=models.CASCADE, related_name="entries")
    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="playlist_entries")
    position = models.PositiveIntegerField()
    added_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "playlist entries"
        ordering = ["playlist_id", "position"]  # by id, not by the playlist's name
        constraints = [
            models.UniqueConstraint(fields=["playlist", "position"], name="entry_position_unique"),
        ]
        indexes = [
            # scope and inPlaylist sub-queries go from track to playlist
            models.Index(fields=["track", "playlist"], name="entry_track_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.position + 1} in {self.playlist}"


class LibraryTrack(models.Model):
    """A track in a user's library, and since when: kept by database triggers from its
    sources (likes, the user's playlist entries, uploads, completed downloads), so no write
    can miss it (migration 0007). What previews, `dateadded` and the library scope read:
    one indexed row per track instead of four look-ups.

    `added_at` is the earliest source instant. A rule's own target playlist must not count
    (rules.query.scope); two more columns make that exact without a look-up per source:
    `first_playlist` is the playlist whose entry gave `added_at` (NULL when a like, upload
    or download did), `added_at_otherwise` the earliest instant outside that playlist, and
    `sole_playlist` the playlist when every source is an entry of that one playlist.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,  # librarytrack_unique starts with it
        related_name="+",
    )
    track = models.ForeignKey(
        Track, on_delete=models.DO_NOTHING, db_constraint=False, related_name="memberships"
    )
    added_at = models.DateTimeField(null=True)
    first_playlist_id = models.BigIntegerField(null=True)
    added_at_otherwise = models.DateTimeField(null=True)
    sole_playlist_id = models.BigIntegerField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "track"], name="librarytrack_unique"),
        ]
        indexes = [
            # "recently added": newest first, walked in order
            models.Index(fields=["owner", "added_at"], name="librarytrack_added_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.track_id} in {self.owner_id}'s library"


class TrackTag(models.Model):
    """A user's own label on a track (rules read it as `tag`)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="track_tags"
    )
    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint("owner", "track", Lower("name"), name="tracktag_unique_ci"),
        ]
        indexes = [
            # a user's tag listing and the rule field `tag`
            models.Index(fields=["owner", "name"], name="tracktag_owner_name_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class TrackEnrichment(models.Model):
    """What one provider knows about a track; rules read `data` as PROVIDER.KEY.

    Providers: `spotify`, `musicbrainz`, `audio` (analysis of the downloaded file), `user`.
    A `genres` list in any provider's data feeds the rule field `genre`.
    """

    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="enrichments")
    provider = models.CharField(max_length=32)
    data = models.JSONField(default=dict)
    fetched_at = models.DateTimeField()

    class Meta:
        ordering = ["track_id", "provider"]  # by id, not by the track's title
        constraints = [
            models.UniqueConstraint(fields=["track", "provider"], name="enrichment_unique"),
        ]
        indexes = [
            # rules on PROVIDER.KEY filter by provider first
            models.Index(fields=["provider", "track"], name="enrichment_provider_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.provider} data for {self.track}"
