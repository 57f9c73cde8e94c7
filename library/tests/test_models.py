"""The database refuses what the catalog and the per-user library must never hold."""

import pytest
from django.db import IntegrityError, transaction

from library.models import PlaylistEntry, SavedTrack, Track, TrackEnrichment, TrackTag
from library.tests.factories import (
    AlbumFactory,
    ArtistFactory,
    PlaylistEntryFactory,
    PlaylistFactory,
    TrackFactory,
)

pytestmark = pytest.mark.django_db


def refused(make) -> bool:
    try:
        with transaction.atomic():
            make()
    except IntegrityError:
        return True
    return False


def test_a_spotify_track_needs_a_spotify_id():
    assert refused(lambda: Track.objects.create(title="x", source="spotify", spotify_id=None))
    assert not refused(lambda: Track.objects.create(title="x", source="upload"))


def test_popularity_stays_within_zero_to_a_hundred():
    assert refused(lambda: TrackFactory(popularity=101))
    assert not refused(lambda: TrackFactory(popularity=100))


@pytest.mark.parametrize("field", ["spotify_id", "youtube_id", "local_key", "audio_sha256"])
def test_each_track_identity_is_unique_when_present(field):
    TrackFactory(**{field: "same-value"}, source="spotify")
    assert refused(lambda: TrackFactory(**{field: "same-value"}))
    # absent (NULL) identities never clash
    Track.objects.create(title="a", source="upload")
    assert not refused(lambda: Track.objects.create(title="b", source="upload"))


def test_artist_and_album_identities_are_unique_when_present():
    ArtistFactory(spotify_id="a1", local_key=None)
    assert refused(lambda: ArtistFactory(spotify_id="a1"))
    ArtistFactory(spotify_id=None, local_key="k")
    assert refused(lambda: ArtistFactory(spotify_id=None, local_key="k"))
    AlbumFactory(spotify_id="b1")
    assert refused(lambda: AlbumFactory(spotify_id="b1"))


def test_a_track_links_an_artist_once():
    artist = ArtistFactory()
    track = TrackFactory(artists=[artist])
    assert refused(lambda: track.track_artists.create(artist=artist, position=1))


def test_a_user_saves_a_track_once(owner, member):
    track = TrackFactory()
    SavedTrack.objects.create(user=owner, track=track, added_at="2024-01-01T00:00Z")
    assert refused(
        lambda: SavedTrack.objects.create(user=owner, track=track, added_at="2024-01-02T00:00Z")
    )
    assert not refused(
        lambda: SavedTrack.objects.create(user=member, track=track, added_at="2024-01-02T00:00Z")
    )


def test_a_playlist_holds_duplicates_but_one_entry_per_position(owner):
    playlist, track = PlaylistFactory(owner=owner), TrackFactory()
    PlaylistEntry.objects.create(playlist=playlist, track=track, position=0)
    assert not refused(
        lambda: PlaylistEntry.objects.create(playlist=playlist, track=track, position=1)
    )
    assert refused(lambda: PlaylistEntryFactory(playlist=playlist, position=1))


def test_a_user_imports_a_spotify_playlist_once_but_makes_any_number_here(owner, member):
    PlaylistFactory(owner=owner, spotify_id="p1")
    assert refused(lambda: PlaylistFactory(owner=owner, spotify_id="p1"))
    assert not refused(lambda: PlaylistFactory(owner=member, spotify_id="p1"))
    PlaylistFactory(owner=owner, spotify_id=None)
    assert not refused(lambda: PlaylistFactory(owner=owner, spotify_id=None))


def test_tags_are_unique_per_user_and_track_ignoring_case(owner, member):
    track = TrackFactory()
    TrackTag.objects.create(owner=owner, track=track, name="Chill")
    assert refused(lambda: TrackTag.objects.create(owner=owner, track=track, name="CHILL"))
    assert not refused(lambda: TrackTag.objects.create(owner=member, track=track, name="chill"))


def test_one_enrichment_per_track_and_provider():
    track = TrackFactory()
    TrackEnrichment.objects.create(
        track=track, provider="audio", data={}, fetched_at="2024-01-01T00:00Z"
    )
    assert refused(
        lambda: TrackEnrichment.objects.create(
            track=track, provider="audio", data={}, fetched_at="2024-01-01T00:00Z"
        )
    )


def test_deleting_an_album_keeps_its_tracks():
    track = TrackFactory()
    track.album.delete()
    track.refresh_from_db()
    assert track.album is None
