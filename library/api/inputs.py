"""What a client may send to create or change a track, checked at the edge.

Artists and the album are given by id (`5` or `{"id": 5}`) or by name (`"Nina Simone"` or
`{"name": "Nina Simone"}`); names go to id-less catalog rows. Spotify and YouTube ids are also
accepted as URIs or links; a Spotify id only from staff (members import Spotify tracks). `saved`
and `tags` are the caller's own and never need permission.
"""

from django.db.models import Exists, OuterRef
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import empty
from rest_framework.utils import html

from library.models import Album, Artist, Track, TrackArtist
from library.services import ids
from library.services.scope import library_tracks
from library.services.search import ISRC
from library.services.tracks import SPOTIFY_BY_IMPORT, SPOTIFY_OWNED
from trackflow.api.filters import MAX_ID


def _extract(parse, value: str, problem: str) -> str:
    found = parse(value)
    if found is None:
        raise serializers.ValidationError(problem)
    return found


REF_SCHEMA = {
    "oneOf": [
        {"type": "integer"},
        {"type": "string"},
        {"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}},
    ]
}


def to_ref(data) -> int | str:
    """An id (int) or a name (str) of an artist or album, from any of the accepted shapes."""
    if isinstance(data, dict):
        data = data.get("id", data.get("name"))
    if isinstance(data, bool) or not isinstance(data, int | str) or not str(data).strip():
        raise serializers.ValidationError('give an id, a name, {"id": n} or {"name": "..."}')
    if isinstance(data, int) and not 1 <= data <= MAX_ID:
        raise serializers.ValidationError(f"an id is a whole number from 1 to {MAX_ID}")
    if isinstance(data, str) and "\x00" in data:  # PostgreSQL cannot store it
        raise serializers.ValidationError("a name cannot hold the NUL character")
    return data.strip()[:500] if isinstance(data, str) else data


@extend_schema_field({**REF_SCHEMA, "nullable": True})
class RefField(serializers.Field):
    def to_internal_value(self, data):
        return to_ref(data)

    def to_representation(self, value):
        return value


@extend_schema_field({"type": "array", "items": REF_SCHEMA, "maxItems": 50})
class RefListField(serializers.Field):
    """A list of refs; problems are reported by index ("artists[2]")."""

    def get_value(self, dictionary):
        if html.is_html_input(dictionary):  # a form: artists=1&artists=Nina%20Simone
            return dictionary.getlist(self.field_name) or empty
        return super().get_value(dictionary)

    def to_internal_value(self, data):
        if not isinstance(data, list) or len(data) > 50:
            raise serializers.ValidationError("give a list of at most 50 artists")
        refs, problems = [], []
        for item in data:
            try:
                refs.append(to_ref(item))
                problems.append([])
            except serializers.ValidationError as error:
                problems.append(error.detail)
        if any(problems):
            raise serializers.ValidationError(problems)
        return refs

    def to_representation(self, value):
        return value


class TrackInputSerializer(serializers.ModelSerializer):
    artists = RefListField(required=False)
    album = RefField(required=False, allow_null=True)
    saved = serializers.BooleanField(required=False)
    tags = serializers.ListField(
        child=serializers.CharField(max_length=100), required=False, max_length=100
    )

    class Meta:
        model = Track
        fields = [
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
            "disc_number",
            "track_number",
            "lyrics",
            "status",
            "saved",
            "tags",
        ]
        extra_kwargs = {
            "title": {"required": False},
            "spotify_id": {"validators": [], "max_length": 300},  # a clash is a 409, not a 400
            "youtube_id": {"validators": [], "max_length": 300},
            "popularity": {"max_value": 100},
            "disc_number": {"min_value": 1},
        }

    def validate_spotify_id(self, value):
        return _extract(ids.spotify_track_id, value, ids.NOT_SPOTIFY) if value else None

    def validate_youtube_id(self, value):
        return _extract(ids.youtube_video_id, value, ids.NOT_YOUTUBE) if value else None

    def validate_isrc(self, value):
        value = value.replace("-", "").strip().upper()
        if value and not ISRC.match(value):
            raise serializers.ValidationError("an ISRC is 12 characters, like USRC17607839")
        return value

    # By id, the artists and albums the caller can see (of their library; staff: all), so
    # that an id cannot reveal, or link to, what only another user's library holds.
    def validate_artists(self, refs):
        ids = {ref for ref in refs if isinstance(ref, int)}
        artists = Artist.objects.filter(pk__in=ids)
        if not self._user.is_staff:
            mine = library_tracks(self._user).values("pk")
            artists = artists.filter(
                Exists(TrackArtist.objects.filter(artist=OuterRef("pk"), track__in=mine))
            )
        unknown = ids - set(artists.values_list("pk", flat=True))
        if unknown:  # errors listed by index, so that their paths read "artists[2]"
            raise serializers.ValidationError(
                [[f"no artist with id {r}{self._where}"] if r in unknown else [] for r in refs]
            )
        return refs

    def validate_album(self, ref):
        if not isinstance(ref, int):
            return ref
        albums = Album.objects.filter(pk=ref)
        if not self._user.is_staff:
            albums = albums.filter(pk__in=library_tracks(self._user).values("album_id"))
        if not albums.exists():
            raise serializers.ValidationError(f"no album with id {ref}{self._where}")
        return ref

    def to_representation(self, track: Track) -> dict:
        """The track as a body this serializer accepts: what the browsable API's form
        starts from (artists and album by id, the caller's own `saved` and `tags`)."""
        user = self._user
        body = {
            name: getattr(track, name)
            for name in self.Meta.fields
            if name not in ("artists", "album", "saved", "tags")
        }
        body["artists"] = list(
            track.track_artists.order_by("position").values_list("artist_id", flat=True)
        )
        body["album"] = track.album_id
        body["saved"] = track.saves.filter(user=user).exists()
        body["tags"] = sorted(track.tags.filter(owner=user).values_list("name", flat=True))
        return body

    @property
    def _user(self):
        return self.context["request"].user

    @property
    def _where(self) -> str:
        return "" if self._user.is_staff else " in your library"

    def validate(self, attrs):
        if not self._user.is_staff:
            self._refuse_spotify(attrs)
        if self.instance is None:
            attrs = self._creating(attrs)
        return attrs

    def _refuse_spotify(self, attrs) -> None:
        """A member may not give a track a Spotify id, or make it a Spotify track: made by id
        before anyone imports it, the track would stay theirs, and keep their fields, once
        the id's import brings it into other libraries (the same value again passes)."""
        track = self.instance
        had_id, had_source = (track.spotify_id, track.source) if track else (None, None)
        new_id = attrs.get("spotify_id", had_id) != had_id
        spotify = Track.Source.SPOTIFY
        now_spotify = attrs.get("source") == spotify and had_source != spotify
        if new_id or now_spotify:
            raise serializers.ValidationError({"spotify_id": [SPOTIFY_BY_IMPORT]})

    def _creating(self, attrs):
        if not (attrs.get("title") or "").strip():
            raise serializers.ValidationError({"title": ["a track needs a title"]})
        source = attrs.get("source") or ids.default_source(
            attrs.get("spotify_id"), attrs.get("youtube_id")
        )
        if source == Track.Source.UPLOAD:
            raise serializers.ValidationError(
                {"source": ["uploads are made by POST /api/tracks/upload/"]}
            )
        needed = {Track.Source.SPOTIFY: "spotify_id", Track.Source.YOUTUBE: "youtube_id"}
        if source in needed and not attrs.get(needed[source]):
            raise serializers.ValidationError({needed[source]: [f"a {source} track needs one"]})
        return {**attrs, "source": source}


def refuse_spotify_owned(track: Track, catalog: dict) -> None:
    """400 for each change to a field Spotify owns on a Spotify track (equal values pass)."""
    if track.source != Track.Source.SPOTIFY:
        return
    changes = {**catalog["fields"], **{k: v for k, v in catalog.items() if k != "fields"}}
    current = {name: getattr(track, name, None) for name in SPOTIFY_OWNED}
    current["album"] = track.album_id
    current["artists"] = list(
        TrackArtist.objects.filter(track=track)
        .order_by("position")
        .values_list("artist_id", flat=True)
    )
    errors = {
        name: ["set by Spotify on Spotify tracks; it changes with the next import"]
        for name, value in changes.items()
        if name in SPOTIFY_OWNED and value != current[name]
    }
    if errors:
        raise serializers.ValidationError(errors)
