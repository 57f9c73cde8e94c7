from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from downloads.models import DownloadJob
from downloads.services import URL_FOR_STAFF, refused_replacements
from library.api.serializers import AlbumRefSerializer, ArtistRefSerializer
from library.models import Track
from library.services.scope import library_tracks
from trackflow.api.filters import MAX_ID


class DownloadTrackSerializer(serializers.ModelSerializer):
    """Enough of the track to show a download: title, artists, album; /api/tracks/ has more."""

    artists = serializers.SerializerMethodField()
    album = AlbumRefSerializer(allow_null=True)
    has_audio = serializers.BooleanField()

    class Meta:
        model = Track
        fields = ["id", "title", "artists", "album", "duration_ms", "has_audio"]

    @extend_schema_field(ArtistRefSerializer(many=True))
    def get_artists(self, track: Track) -> list[dict]:
        return [
            {"id": link.artist_id, "name": link.artist.name} for link in track.track_artists.all()
        ]


class DownloadJobSerializer(serializers.ModelSerializer):
    track = DownloadTrackSerializer()
    next_attempt_at = serializers.DateTimeField(source="run_after")

    class Meta:
        model = DownloadJob
        fields = [
            "id",
            "status",
            "progress",
            "message",
            "error",
            "attempts",
            "max_attempts",
            "next_attempt_at",
            "backend",
            "url",
            "source_url",
            "bytes_done",
            "bytes_total",
            "file",
            "track",
            "created_at",
            "started_at",
            "finished_at",
            "updated_at",
        ]
        read_only_fields = fields


class CreateDownloadsSerializer(serializers.Serializer):
    """What to download: `track_ids`, or `playlist_id`, or `rule_id`; `force` re-downloads.

    Replacing a track's file on disk (`force`, or a `url`) is refused per track id for a file
    another member fetched; a playlist's or rule's such tracks are skipped by the queue.
    """

    SOURCES = ("track_ids", "playlist_id", "rule_id")

    track_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        max_length=10_000,
    )
    playlist_id = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    rule_id = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    force = serializers.BooleanField(default=False)
    backend = serializers.ChoiceField(
        choices=DownloadJob.Backend.choices,
        required=False,
        help_text="Default: the server's DOWNLOAD_BACKEND.",
    )
    url = serializers.URLField(
        required=False,
        max_length=2000,
        help_text="Staff only: fetch this instead of looking the track up (with exactly one "
        "track id).",
    )

    def validate(self, data: dict) -> dict:
        given = [name for name in self.SOURCES if data.get(name) not in (None, [])]
        if len(given) != 1:
            raise serializers.ValidationError("give one of track_ids, playlist_id or rule_id")
        if data.get("url") and len(set(data.get("track_ids") or ())) != 1:
            raise serializers.ValidationError(
                {"url": "a url goes with exactly one track id in track_ids"}
            )
        if data.get("track_ids") and (data["force"] or data.get("url")):
            self.check_replacements(data["track_ids"])
        return data

    def validate_url(self, value: str) -> str:
        """The server fetches the URL: from anyone else it would probe internal addresses."""
        if not self.context["request"].user.is_staff:
            raise serializers.ValidationError(URL_FOR_STAFF)
        return value

    def check_replacements(self, track_ids: list[int]) -> None:
        """Files another member fetched are theirs to replace (or an admin's), by position."""
        refused = refused_replacements(self.context["request"].user, track_ids)
        if refused:
            raise serializers.ValidationError(
                {"track_ids": [[refused[pk]] if pk in refused else [] for pk in track_ids]}
            )

    def validate_track_ids(self, value: list[int]) -> list[int]:
        """Tracks of the caller's library only (staff: any), as the admin's actions allow:
        a download writes the track's file, which every owner of the track shares."""
        user = self.context["request"].user
        tracks = Track.objects.all() if user.is_staff else library_tracks(user)
        known = set(tracks.filter(pk__in=value).values_list("pk", flat=True))
        if known != set(value):
            where = "" if user.is_staff else " in your library"
            raise serializers.ValidationError(
                [[] if pk in known else [f"no track with id {pk}{where}"] for pk in value]
            )
        return value


class QueuedDownloadsSerializer(serializers.Serializer):
    jobs = DownloadJobSerializer(many=True)
    skipped = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="Track ids not queued: already queued or downloaded (send force to download "
        "again); uploaded, even with force (their audio is the upload); and with force, a "
        "playlist's or rule's tracks whose file another member fetched (theirs to replace).",
    )


class RetriedDownloadsSerializer(serializers.Serializer):
    retried = serializers.IntegerField()
