"""POST, PATCH and DELETE /api/tracks/: who may change what, and 409 for a known id."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from library.models import SavedTrack, Track, TrackArtist, TrackTag
from library.tests.factories import (
    AlbumFactory,
    ArtistFactory,
    PlaylistEntryFactory,
    PlaylistFactory,
    SavedTrackFactory,
    TrackFactory,
)

pytestmark = pytest.mark.django_db


def in_library(user, artist=None, album=None):
    """`artist` and `album` on a track `user` saved, so that user may name them by id."""
    track = TrackFactory(album=album) if album else TrackFactory()
    if artist:
        TrackArtist.objects.create(track=track, artist=artist, position=0)
    SavedTrackFactory(user=user, track=track)
    return artist or album


def errors(response) -> dict[str, str]:
    assert response.status_code == 400, response.content
    return {e["path"]: e["message"] for e in response.json()["errors"]}


class TestCreate:
    def test_a_youtube_track_with_named_artists_joins_your_library(self, owner, owner_api):
        known = in_library(owner, ArtistFactory(name="Rick Astley"))
        response = owner_api.post(
            "/api/tracks/",
            {
                "title": "Never Gonna Give You Up",
                "youtube_id": "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=1",
                "artists": [known.pk, {"name": "Stock Aitken Waterman"}],
                "album": "Whenever You Need Somebody",
                "isrc": "gb-ayc-87-00001",
                "saved": True,
                "tags": ["80s"],
            },
            format="json",
        )
        assert response.status_code == 201, response.content
        body = response.json()
        assert (body["source"], body["youtube_id"], body["isrc"]) == (
            "youtube",
            "dQw4w9WgXcQ",
            "GBAYC8700001",
        )
        assert [a["name"] for a in body["artists"]] == ["Rick Astley", "Stock Aitken Waterman"]
        assert body["artists"][0]["id"] == known.pk
        assert body["album"]["name"] == "Whenever You Need Somebody"
        assert (body["saved"], body["tags"], body["editable"]) == (True, ["80s"], True)
        assert Track.objects.get(pk=body["id"]).added_by == owner
        assert owner_api.get(f"/api/tracks/{body['id']}/").status_code == 200

    def test_a_spotify_id_already_in_the_catalog_is_a_409_with_its_id(self, owner_api):
        existing = TrackFactory(spotify_id="4uLU6hMCjMI75M1A2tKUQC")
        response = owner_api.post(
            "/api/tracks/",
            {
                "title": "Copy",
                "spotify_id": "https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC?si=x",
            },
            format="json",
        )
        assert response.status_code == 409
        assert response.json() == {
            "detail": "a track with this Spotify id already exists",
            "id": existing.pk,
        }

    def test_a_youtube_id_already_in_the_catalog_is_a_409_with_its_id(self, owner_api):
        existing = TrackFactory(youtube_id="dQw4w9WgXcQ")
        response = owner_api.post(
            "/api/tracks/",
            {"title": "Copy", "youtube_id": "https://youtu.be/dQw4w9WgXcQ"},
            format="json",
        )
        assert (response.status_code, response.json()["id"]) == (409, existing.pk)

    def test_the_same_local_file_twice_is_a_409(self, owner_api):
        data = {"title": "Demo", "artists": ["Me"], "album": "Tapes", "duration_ms": 1000}
        first = owner_api.post("/api/tracks/", data, format="json")
        assert (first.status_code, first.json()["source"]) == (201, "local")
        again = owner_api.post("/api/tracks/", data, format="json")
        assert (again.status_code, again.json()["id"]) == (409, first.json()["id"])

    @pytest.mark.parametrize(
        ("data", "path", "message"),
        [
            ({}, "title", "a track needs a title"),
            (
                {"title": "x", "source": "upload"},
                "source",
                "uploads are made by POST /api/tracks/upload/",
            ),
            ({"title": "x", "source": "spotify"}, "spotify_id", "a spotify track needs one"),
            (
                {"title": "x", "spotify_id": "nope"},
                "spotify_id",
                "not a Spotify track id, URI or link",
            ),
            ({"title": "x", "isrc": "123"}, "isrc", "an ISRC is 12 characters, like USRC17607839"),
            (
                {"title": "x", "artists": [1, True]},
                "artists[1]",
                'give an id, a name, {"id": n} or {"name": "..."}',
            ),
            ({"title": "x", "album": 999999}, "album", "no album with id 999999 in your library"),
            ({"title": "x", "album": "a\x00b"}, "album", "a name cannot hold the NUL character"),
            (
                {"title": "x", "artists": ["x\x00z"]},
                "artists[0]",
                "a name cannot hold the NUL character",
            ),
            (
                {"title": "x", "popularity": 101},
                "popularity",
                "Ensure this value is less than or equal to 100.",
            ),
        ],
    )
    def test_bad_input_is_a_400_naming_the_field(self, owner_api, data, path, message):
        assert errors(owner_api.post("/api/tracks/", data, format="json")).get(path) == message

    def test_a_form_post_lists_artists_by_repeating_the_field(self, owner_api):
        response = owner_api.post(
            "/api/tracks/", {"title": "Form", "artists": ["One", "Two"], "duration_ms": 5}
        )
        assert response.status_code == 201, response.content
        assert [a["name"] for a in response.json()["artists"]] == ["One", "Two"]

    def test_an_unknown_artist_id_names_its_position(self, owner, owner_api):
        real = in_library(owner, ArtistFactory())
        response = owner_api.post(
            "/api/tracks/", {"title": "x", "artists": [real.pk, 424242]}, format="json"
        )
        assert errors(response) == {"artists[1]": "no artist with id 424242 in your library"}

    def test_another_users_artists_and_albums_cannot_be_named_by_id(
        self, owner, stranger, stranger_api
    ):
        # ids of what only another library holds would reveal its names, and link to it
        artist = in_library(owner, ArtistFactory(name="Alice Band"))
        album = in_library(owner, album=AlbumFactory(name="Secret Tapes"))

        response = stranger_api.post(
            "/api/tracks/",
            {"title": "probe", "artists": [artist.pk], "album": album.pk},
            format="json",
        )

        assert errors(response) == {
            "artists[0]": f"no artist with id {artist.pk} in your library",
            "album": f"no album with id {album.pk} in your library",
        }
        assert "Alice Band" not in response.content.decode()
        assert stranger_api.get(f"/api/artists/{artist.pk}/").status_code == 404
        assert not Track.objects.filter(title="probe").exists()

    def test_staff_may_name_any_artist_and_album(self, owner, staff, api):
        artist = in_library(owner, ArtistFactory(name="Alice Band"))
        album = in_library(owner, album=AlbumFactory(name="Secret Tapes"))
        api.force_authenticate(staff)

        response = api.post(
            "/api/tracks/",
            {"title": "curated", "artists": [artist.pk], "album": album.pk},
            format="json",
        )

        assert response.status_code == 201, response.content
        body = response.json()
        assert (body["artists"][0]["id"], body["album"]["id"]) == (artist.pk, album.pk)


class TestUpdate:
    def test_anyone_with_the_track_may_save_and_tag_it(self, owner, owner_api):
        track = TrackFactory()
        PlaylistEntryFactory(playlist=PlaylistFactory(owner=owner), track=track, position=0)
        response = owner_api.patch(
            f"/api/tracks/{track.pk}/", {"saved": True, "tags": ["a", "B"]}, format="json"
        )
        assert response.status_code == 200
        assert (response.json()["saved"], response.json()["tags"]) == (True, ["a", "B"])
        response = owner_api.patch(
            f"/api/tracks/{track.pk}/", {"saved": False, "tags": []}, format="json"
        )
        assert (response.json()["saved"], response.json()["tags"]) == (False, [])
        assert not SavedTrack.objects.exists() and not TrackTag.objects.exists()

    def test_the_user_who_added_a_track_edits_its_catalog_fields(self, owner, owner_api):
        track = TrackFactory(added_by=owner, source="local", spotify_id=None, title="Old")
        response = owner_api.patch(
            f"/api/tracks/{track.pk}/",
            {"title": "New", "artists": ["Somebody"], "album": "Some Album", "status": "approved"},
            format="json",
        )
        assert response.status_code == 200, response.content
        body = response.json()
        assert (body["title"], body["status"], body["album"]["name"]) == (
            "New",
            "approved",
            "Some Album",
        )
        assert [a["name"] for a in body["artists"]] == ["Somebody"]

    def test_others_may_not_edit_catalog_fields(self, owner, member, api):
        track = TrackFactory(added_by=owner, source="upload", spotify_id=None, title="Mine")
        SavedTrackFactory(user=member, track=track)
        api.force_authenticate(member)
        response = api.patch(f"/api/tracks/{track.pk}/", {"title": "Yours"}, format="json")
        assert response.status_code == 403
        assert "only the user who added this track, or staff" in response.json()["detail"]
        assert Track.objects.get(pk=track.pk).title == "Mine"

    def test_spotify_owned_fields_stay_as_spotify_says_even_for_staff(self, staff, api):
        track = TrackFactory(title="Spotify's")
        api.force_authenticate(staff)
        response = api.patch(
            f"/api/tracks/{track.pk}/?scope=all",
            {"title": "Mine", "isrc": track.isrc},
            format="json",
        )
        assert errors(response) == {
            "title": "set by Spotify on Spotify tracks; it changes with the next import"
        }
        response = api.patch(
            f"/api/tracks/{track.pk}/?scope=all", {"status": "rejected"}, format="json"
        )
        assert (response.status_code, response.json()["status"]) == (200, "rejected")

    def test_taking_a_youtube_id_another_track_has_is_a_409(self, owner, owner_api):
        TrackFactory(youtube_id="dQw4w9WgXcQ")
        mine = TrackFactory(added_by=owner, source="local", spotify_id=None)
        response = owner_api.patch(
            f"/api/tracks/{mine.pk}/", {"youtube_id": "dQw4w9WgXcQ"}, format="json"
        )
        assert response.status_code == 409

    def test_a_stranger_gets_404_and_put_is_not_offered(self, owner, owner_api, stranger_api):
        track = TrackFactory(added_by=owner)
        assert (
            stranger_api.patch(
                f"/api/tracks/{track.pk}/", {"saved": True}, format="json"
            ).status_code
            == 404
        )
        assert (
            owner_api.put(f"/api/tracks/{track.pk}/", {"title": "x"}, format="json").status_code
            == 405
        )


class TestDelete:
    def test_deleting_a_track_you_added_removes_it_and_its_file(
        self, owner, owner_api, django_capture_on_commit_callbacks
    ):
        name = default_storage.save("library/mine.mp3", ContentFile(b"audio"))
        track = TrackFactory(added_by=owner, source="upload", spotify_id=None, audio_file=name)
        with django_capture_on_commit_callbacks(execute=True):
            response = owner_api.delete(f"/api/tracks/{track.pk}/")
        assert response.status_code == 204
        assert not Track.objects.filter(pk=track.pk).exists()
        assert not default_storage.exists(name)

    def test_a_file_another_track_still_names_stays(
        self, owner, owner_api, django_capture_on_commit_callbacks
    ):
        name = default_storage.save("library/shared.mp3", ContentFile(b"audio"))
        track = TrackFactory(added_by=owner, audio_file=name)
        TrackFactory(audio_file=name)  # a stem or a second copy pointing at the same file
        with django_capture_on_commit_callbacks(execute=True):
            response = owner_api.delete(f"/api/tracks/{track.pk}/")
        assert response.status_code == 204
        assert default_storage.exists(name)

    def test_deleting_someone_elses_saved_track_unsaves_it(self, owner, owner_api):
        track = TrackFactory()
        SavedTrackFactory(user=owner, track=track)
        assert owner_api.delete(f"/api/tracks/{track.pk}/").status_code == 204
        assert Track.objects.filter(pk=track.pk).exists()
        assert owner_api.get(f"/api/tracks/{track.pk}/").status_code == 404

    def test_a_track_only_in_your_playlists_is_not_yours_to_delete(self, owner, owner_api):
        track = TrackFactory()
        PlaylistEntryFactory(playlist=PlaylistFactory(owner=owner), track=track, position=0)
        response = owner_api.delete(f"/api/tracks/{track.pk}/")
        assert response.status_code == 403
        assert "through a playlist or a download" in response.json()["detail"]

    def test_staff_delete_any_track(self, staff, api):
        track = TrackFactory()
        api.force_authenticate(staff)
        assert api.delete(f"/api/tracks/{track.pk}/?scope=all").status_code == 204
        assert not Track.objects.exists()

    def test_a_stranger_gets_404(self, owner, stranger_api):
        track = TrackFactory(added_by=owner)
        assert stranger_api.delete(f"/api/tracks/{track.pk}/").status_code == 404
        assert Track.objects.filter(pk=track.pk).exists()
