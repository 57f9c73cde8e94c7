"""/api/artists/, /api/albums/, /api/playlists/: scoped to you, constant queries."""

import datetime

import pytest

from library.models import AlbumArtist
from library.services.playlists import replace_playlist_entries
from library.tests.factories import (
    AlbumFactory,
    ArtistFactory,
    PlaylistFactory,
    SavedTrackFactory,
    TrackFactory,
)

pytestmark = pytest.mark.django_db
DAY = datetime.datetime(2024, 3, 1, tzinfo=datetime.UTC)


def names(response, key="name") -> list:
    assert response.status_code == 200, response.content
    return [row[key] for row in response.json()["results"]]


class TestArtists:
    def test_only_artists_of_your_tracks_are_listed(self, owner, owner_api, stranger_api):
        SavedTrackFactory(user=owner, track=TrackFactory(artists=["Björk", "Arca"]))
        TrackFactory(artists=["Not Mine"])
        assert names(owner_api.get("/api/artists/")) == ["Arca", "Björk"]
        assert names(stranger_api.get("/api/artists/")) == []

    def test_a_stranger_gets_404_for_an_artist_only_others_have(self, owner, stranger_api):
        track = TrackFactory(artists=["Björk"])
        SavedTrackFactory(user=owner, track=track)
        artist_id = track.track_artists.get().artist_id
        assert stranger_api.get(f"/api/artists/{artist_id}/").status_code == 404

    def test_search_and_staff_scope(self, staff, api):
        TrackFactory(artists=["Björk", "Arca"])
        api.force_authenticate(staff)
        assert names(api.get("/api/artists/?scope=all&search=bj")) == ["Björk"]

    def test_detail_fields(self, owner, owner_api):
        artist = ArtistFactory(name="Arca", image_url="https://img.example/a.jpg")
        SavedTrackFactory(user=owner, track=TrackFactory(artists=[artist]))
        body = owner_api.get(f"/api/artists/{artist.pk}/").json()
        assert body == {
            "id": artist.pk,
            "name": "Arca",
            "spotify_id": artist.spotify_id,
            "image_url": "https://img.example/a.jpg",
            "created_at": body["created_at"],
            "updated_at": body["updated_at"],
        }

    @pytest.mark.parametrize("rows", [2, 200])
    def test_a_page_costs_two_queries(
        self, rows, owner, owner_api, saved_for, django_assert_num_queries
    ):
        saved_for(owner, rows // 2)  # two artists per track
        with django_assert_num_queries(2):  # count, page
            assert len(names(owner_api.get("/api/artists/?page_size=500"))) == rows


class TestAlbums:
    def test_albums_of_your_tracks_with_artists_in_order(self, owner, owner_api, stranger_api):
        album = AlbumFactory(name="Homogenic", release_year=1997)
        for position, name in enumerate(["Björk", "Mark Bell"]):
            AlbumArtist.objects.create(
                album=album, artist=ArtistFactory(name=name), position=position
            )
        SavedTrackFactory(user=owner, track=TrackFactory(album=album))
        TrackFactory()  # another album, not in the library
        [row] = owner_api.get("/api/albums/").json()["results"]
        assert (row["name"], row["release_year"], row["release_date_precision"]) == (
            "Homogenic",
            1997,
            "day",
        )
        assert [a["name"] for a in row["artists"]] == ["Björk", "Mark Bell"]
        assert names(stranger_api.get("/api/albums/")) == []
        assert stranger_api.get(f"/api/albums/{album.pk}/").status_code == 404

    def test_filters_by_artist_and_year(self, owner, owner_api):
        old, new = AlbumFactory(release_year=1990), AlbumFactory(release_year=2020)
        artist = ArtistFactory()
        AlbumArtist.objects.create(album=new, artist=artist)
        for album in (old, new):
            SavedTrackFactory(user=owner, track=TrackFactory(album=album))
        assert names(owner_api.get("/api/albums/?year=1990"), "id") == [old.pk]
        assert names(owner_api.get(f"/api/albums/?artist={artist.pk}"), "id") == [new.pk]

    @pytest.mark.parametrize("rows", [2, 200])
    def test_a_page_costs_three_queries(
        self, rows, owner, owner_api, saved_for, django_assert_num_queries
    ):
        saved_for(owner, rows)  # one album per track
        with django_assert_num_queries(3):  # count, page, album artists in order
            assert len(names(owner_api.get("/api/albums/?page_size=500"))) == rows


class TestPlaylists:
    def test_you_see_your_playlists_with_their_track_counts(self, owner, member, owner_api):
        mine = PlaylistFactory(owner=owner, name="Road Trip")
        PlaylistFactory(owner=member, name="Theirs")
        replace_playlist_entries(mine, [(TrackFactory().pk, DAY)] * 3)
        [row] = owner_api.get("/api/playlists/").json()["results"]
        assert (row["id"], row["name"], row["track_count"], row["readable"]) == (
            mine.pk,
            "Road Trip",
            3,
            True,
        )

    def test_another_users_playlist_and_its_tracks_are_404(self, owner, stranger_api):
        playlist = PlaylistFactory(owner=owner)
        assert stranger_api.get(f"/api/playlists/{playlist.pk}/").status_code == 404
        assert stranger_api.get(f"/api/playlists/{playlist.pk}/tracks/").status_code == 404

    def test_staff_may_read_any_playlist_when_they_ask(self, owner, staff, api):
        playlist = PlaylistFactory(owner=owner)
        api.force_authenticate(staff)
        assert api.get(f"/api/playlists/{playlist.pk}/").status_code == 404
        assert api.get(f"/api/playlists/{playlist.pk}/?scope=all").status_code == 200

    def test_tracks_come_in_order_with_position_added_at_and_duplicates(self, owner, owner_api):
        playlist = PlaylistFactory(owner=owner)
        a, b = TrackFactory(title="A", artists=["X"]), TrackFactory(title="B")
        SavedTrackFactory(user=owner, track=b)
        replace_playlist_entries(playlist, [(b.pk, DAY), (a.pk, None), (b.pk, DAY)])
        rows = owner_api.get(f"/api/playlists/{playlist.pk}/tracks/").json()["results"]
        assert [(r["position"], r["track"]["title"], r["added_at"]) for r in rows] == [
            (0, "B", "2024-03-01T00:00:00Z"),
            (1, "A", None),
            (2, "B", "2024-03-01T00:00:00Z"),
        ]
        assert [r["track"]["saved"] for r in rows] == [True, False, True]
        assert rows[1]["track"]["artists"][0]["name"] == "X"

    def test_search_and_readable_filters(self, owner, owner_api):
        PlaylistFactory(owner=owner, name="Gym")
        PlaylistFactory(owner=owner, name="Followed", readable=False, unreadable_reason="403")
        assert names(owner_api.get("/api/playlists/?search=gy")) == ["Gym"]
        assert names(owner_api.get("/api/playlists/?readable=false")) == ["Followed"]

    @pytest.mark.parametrize("rows", [2, 200])
    def test_a_page_of_playlists_costs_two_queries(
        self, rows, owner, owner_api, django_assert_num_queries
    ):
        PlaylistFactory.create_batch(rows, owner=owner)
        with django_assert_num_queries(2):  # count, page with entry counts
            assert len(names(owner_api.get("/api/playlists/?page_size=500"))) == rows

    @pytest.mark.parametrize("rows", [2, 200])
    def test_a_page_of_entries_costs_six_queries(
        self, rows, owner, owner_api, saved_for, django_assert_num_queries
    ):
        playlist = PlaylistFactory(owner=owner)
        replace_playlist_entries(playlist, [(pk, DAY) for pk in saved_for(owner, rows)])
        # the playlist; count; entries; their tracks (album, saved); artists; the user's tags
        with django_assert_num_queries(6):
            response = owner_api.get(f"/api/playlists/{playlist.pk}/tracks/?page_size=500")
        assert len(response.json()["results"]) == rows
