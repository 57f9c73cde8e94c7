"""How tracks, artists, albums and playlists look in the API.

Read serializers expect the querysets of library.api.querysets (artists prefetched in order,
the album joined, `saved` annotated, the user's tags prefetched into `my_tags`), so a page
costs the same few queries whatever its size.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from library.models import Album, Artist, Playlist, PlaylistEntry, Track
from library.services.tracks import can_edit


class ArtistRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class AlbumRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class TrackSerializer(serializers.ModelSerializer):
    artists = serializers.SerializerMethodField()
    album = AlbumRefSerializer(allow_null=True, read_only=True)
    release_year = serializers.IntegerField(
        source="album.release_year", read_only=True, allow_null=True, default=None
    )
    has_audio = serializers.BooleanField(read_only=True)
    saved = serializers.BooleanField(read_only=True, help_text="In your Liked Songs.")
    tags = serializers.SerializerMethodField()

    class Meta:
        model = Track
        fields = [
            "id",
            "title",
            "artists",
            "album",
            "duration_ms",
            "isrc",
            "spotify_id",
            "youtube_id",
            "source",
            "explicit",
            "popularity",
            "release_year",
            "disc_number",
            "track_number",
            "has_audio",
            "status",
            "saved",
            "tags",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(ArtistRefSerializer(many=True))
    def get_artists(self, track: Track) -> list[dict]:
        return [{"id": link.artist_id, "name": link.artist.name} for link in track.artist_links]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_tags(self, track: Track) -> list[str]:
        return [tag.name for tag in getattr(track, "my_tags", [])]


class TrackDetailSerializer(TrackSerializer):
    """One track: the list's fields, lyrics, and whether you may edit its catalog fields."""

    editable = serializers.SerializerMethodField(
        help_text="You added it (or are staff): PATCH may change its catalog fields, and DELETE "
        "deletes it rather than unsaving it."
    )

    class Meta(TrackSerializer.Meta):
        fields = [*TrackSerializer.Meta.fields, "lyrics", "editable"]
        read_only_fields = fields

    def get_editable(self, track: Track) -> bool:
        return can_edit(self.context["request"].user, track)


class ArtistSerializer(serializers.ModelSerializer):
    class Meta:
        model = Artist
        fields = ["id", "name", "spotify_id", "image_url", "created_at", "updated_at"]


class AlbumSerializer(serializers.ModelSerializer):
    artists = serializers.SerializerMethodField()

    class Meta:
        model = Album
        fields = [
            "id",
            "name",
            "artists",
            "spotify_id",
            "album_type",
            "release_date",
            "release_date_precision",
            "release_year",
            "total_tracks",
            "cover_url",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field(ArtistRefSerializer(many=True))
    def get_artists(self, album: Album) -> list[dict]:
        return [
            {"id": link.artist_id, "name": link.artist.name} for link in album.album_artists.all()
        ]


class PlaylistSerializer(serializers.ModelSerializer):
    track_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Playlist
        fields = [
            "id",
            "name",
            "description",
            "spotify_id",
            "snapshot_id",
            "spotify_owner_id",
            "spotify_owner_name",
            "public",
            "collaborative",
            "readable",
            "unreadable_reason",
            "image_url",
            "track_count",
            "imported_at",
            "created_at",
            "updated_at",
        ]


class PlaylistEntrySerializer(serializers.ModelSerializer):
    track = TrackSerializer()

    class Meta:
        model = PlaylistEntry
        fields = ["position", "added_at", "track"]


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="MP3, FLAC, Ogg Vorbis, Opus, M4A or WAV.")
