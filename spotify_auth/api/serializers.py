from rest_framework import serializers

from trackflow.api.errors import validation_error
from trackflow.jobs.services import JOB_FIELDS

from .. import importer
from ..models import ImportJob, SpotifyAccount


class AccountSerializer(serializers.Serializer):
    """The connection as the user may see it: never a token."""

    connected = serializers.BooleanField()
    status = serializers.ChoiceField(choices=[*SpotifyAccount.Status.values, "disconnected"])
    spotify_user_id = serializers.CharField(allow_null=True)
    display_name = serializers.CharField(allow_null=True)
    scopes = serializers.ListField(child=serializers.CharField())
    expires_at = serializers.DateTimeField(allow_null=True)


class ImportRequestSerializer(serializers.Serializer):
    sources = serializers.ListField(
        child=serializers.CharField(),
        default=[importer.LIKED, importer.ALL_PLAYLISTS],
        help_text="`liked`, `all-playlists` and/or `playlist:<spotify id>`; default both of "
        "the first two.",
    )
    force = serializers.BooleanField(
        default=False, help_text="Re-read even what Spotify reports unchanged."
    )

    def validate(self, data: dict) -> dict:
        if not data["sources"]:
            raise validation_error("sources", "choose at least one source")
        canonical = []
        for index, source in enumerate(data["sources"]):
            try:
                canonical.append(importer.parse_source(source))
            except ValueError as exc:
                raise validation_error(f"sources[{index}]", str(exc)) from None
        return {**data, "sources": canonical}


class ImportJobSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True, default=ImportJob.kind)

    class Meta:
        model = ImportJob
        fields = [*JOB_FIELDS, "kind", "source", "force", "counts"]
        read_only_fields = fields


class SpotifyOwnerSerializer(serializers.Serializer):
    id = serializers.CharField()
    display_name = serializers.CharField(allow_null=True)


class SpotifyPlaylistSerializer(serializers.Serializer):
    """A playlist as Spotify lists it now, with whether TrackFlow has imported it."""

    id = serializers.CharField()
    name = serializers.CharField()
    owner = SpotifyOwnerSerializer()
    total = serializers.IntegerField(allow_null=True, help_text="Items on Spotify.")
    snapshot_id = serializers.CharField()
    public = serializers.BooleanField(allow_null=True)
    collaborative = serializers.BooleanField()
    readable = serializers.BooleanField(
        help_text="False for a followed playlist: Spotify will not list its items."
    )
    imported = serializers.BooleanField(help_text="Imported at this snapshot already.")
    source = serializers.CharField(help_text="What to POST to /api/spotify/import/.")
