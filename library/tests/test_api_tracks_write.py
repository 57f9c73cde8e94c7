"""POST, PATCH and DELETE /api/tracks/: who may change what, and 409 for a known id."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from library.models import SavedTrack, Track, TrackArtist, TrackTag
from library.services.tracks import SPOTIFY_BY_IMPORT
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

    def test_a_spotify_id_already_in_the_catalog_is_a_409_with_its_id(self, staff, api):
        existing = TrackFactory(spotify_id="4uLU6hMCjMI75M1A2tKUQC")
        api.force_authenticate(staff)
        response = api.post(
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

    def test_a_youtube_id_in_your_library_is_a_409_with_its_id(self, owner, owner_api):
        existing = SavedTrackFactory(user=owner, track=TrackFactory(youtube_id="dQw4w9WgXcQ"))
        response = owner_api.post(
            "/api/tracks/",
            {"title": "Copy", "youtube_id": "https://youtu.be/dQw4w9WgXcQ"},
            format="json",
        )
        assert (response.status_code, response.json()["id"]) == (409, existing.track_id)

    def test_the_same_local_file_twice_is_a_409(self, owner_api):
        data = {"title": "Demo", "artists": ["Me"], "album": "Tapes", "duration_ms": 1000}
        first = owner_api.post("/api/tracks/", data, format="json")
        assert (first.status_code, first.json()["source"]) == (201, "local")
        again = owner_api.post("/api/tracks/", data, format="json")
        assert (again.status_code, again.json()["id"]) == (409, first.json()["id"])

    @pytest.mark.parametrize(
        ("data", "detail"),
        [
            (
                {
                    "title": "Song: Take 3 (no vocals)",
                    "artists": ["The Bootlegs"],
                    "album": "Basement",
                    "duration_ms": 187000,
                },
                "a local file with this artist, album, title and duration already exists",
            ),
            (
                {"title": "Copy", "youtube_id": "dQw4w9WgXcQ"},
                "a track with this YouTube id already exists",
            ),
        ],
    )
    def test_a_clash_with_a_track_only_another_library_holds_does_not_name_it(
        self, owner_api, stranger_api, data, detail
    ):
        # its id (a 404 to the stranger) would confirm that someone has this file or video
        first = owner_api.post("/api/tracks/", data, format="json")
        assert first.status_code == 201, first.content

        again = stranger_api.post("/api/tracks/", data, format="json")

        assert (again.status_code, again.json()) == (409, {"detail": detail})
        assert str(first.json()["id"]) not in again.content.decode()
        assert Track.objects.count() == 1

    @pytest.mark.parametrize(
        ("data", "path", "message"),
        [
            ({}, "title", "a track needs a title"),
            (
                {"title": "x", "source": "upload"},
                "source",
                "uploads are made by POST /api/tracks/upload/",
            ),
            ({"title": "x", "source": "youtube"}, "youtube_id", "a youtube track needs one"),
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

    @pytest.mark.parametrize(
        "data",
        [
            {"spotify_id": "54FaRekIZc9OzbRp6KcFlQ"},
            {"spotify_id": "spotify:track:54FaRekIZc9OzbRp6KcFlQ", "source": "spotify"},
            {"spotify_id": "54FaRekIZc9OzbRp6KcFlQ", "source": "local"},
            {"source": "spotify"},
        ],
    )
    def test_a_member_may_not_make_a_spotify_track(self, owner_api, data):
        # made by id before anyone imports it, the track would stay the member's (their title,
        # lyrics, status; theirs to change and delete) in every library the import brings it to
        body = {"title": "claimed", "artists": ["Evil"], "lyrics": "<script>", **data}

        response = owner_api.post("/api/tracks/", body, format="json")

        assert errors(response) == {"spotify_id": SPOTIFY_BY_IMPORT}
        assert not Track.objects.exists()

    def test_staff_make_a_spotify_track_by_id(self, staff, api):
        api.force_authenticate(staff)

        response = api.post(
            "/api/tracks/",
            {"title": "Curated", "spotify_id": "54FaRekIZc9OzbRp6KcFlQ"},
            format="json",
        )

        assert response.status_code == 201, response.content
        assert (response.json()["source"], response.json()["spotify_id"]) == (
            "spotify",
            "54FaRekIZc9OzbRp6KcFlQ",
        )
        response = api.post("/api/tracks/", {"title": "x", "source": "spotify"}, format="json")
        assert errors(response) == {"spotify_id": "a spotify track needs one"}

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
        assert response.json() == {"detail": "a track with this YouTube id already exists"}
        assert response.status_code == 409

    @pytest.mark.parametrize(
        "data",
        [
            {"source": "spotify", "spotify_id": "AAAAAAAAAAAAAAAAAAAAAA"},
            {"spotify_id": "AAAAAAAAAAAAAAAAAAAAAA"},
            {"source": "spotify"},
        ],
    )
    def test_a_member_may_not_turn_their_track_into_a_spotify_track(self, owner, owner_api, data):
        # whoever imported that id later would get the member's audio and fields
        upload = TrackFactory(added_by=owner, source="upload", spotify_id=None)

        response = owner_api.patch(f"/api/tracks/{upload.pk}/", data, format="json")

        assert errors(response) == {"spotify_id": SPOTIFY_BY_IMPORT}
        upload.refresh_from_db()
        assert (upload.source, upload.spotify_id) == ("upload", None)

    def test_staff_may_give_a_track_a_spotify_id(self, owner, staff, api):
        upload = TrackFactory(added_by=owner, source="upload", spotify_id=None)
        api.force_authenticate(staff)

        response = api.patch(
            f"/api/tracks/{upload.pk}/?scope=all",
            {"source": "spotify", "spotify_id": "AAAAAAAAAAAAAAAAAAAAAA"},
            format="json",
        )

        assert response.status_code == 200, response.content
        assert response.json()["source"] == "spotify"

    def test_a_spotify_track_a_member_made_by_id_is_not_theirs_to_edit(self, owner, owner_api):
        # made before members were refused Spotify ids: the catalog's, like any Spotify track
        claimed = TrackFactory(added_by=owner, title="claimed", lyrics="<script>")

        response = owner_api.patch(
            f"/api/tracks/{claimed.pk}/",
            {"youtube_id": "dQw4w9WgXcQ", "spotify_id": claimed.spotify_id},
            format="json",
        )

        assert response.status_code == 403
        assert owner_api.get(f"/api/tracks/{claimed.pk}/").json()["editable"] is False
        assert Track.objects.get(pk=claimed.pk).youtube_id is None

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
        track = TrackFactory(added_by=owner, source="upload", spotify_id=None, audio_file=name)
        TrackFactory(audio_file=name)  # a stem or a second copy pointing at the same file
        with django_capture_on_commit_callbacks(execute=True):
            response = owner_api.delete(f"/api/tracks/{track.pk}/")
        assert response.status_code == 204
        assert default_storage.exists(name)

    def test_a_spotify_track_you_made_by_id_leaves_your_library_but_not_the_catalog(
        self, owner, member, owner_api
    ):
        claimed = TrackFactory(added_by=owner, title="claimed")
        SavedTrackFactory(user=owner, track=claimed)
        SavedTrackFactory(user=member, track=claimed)  # liked on Spotify, imported

        assert owner_api.delete(f"/api/tracks/{claimed.pk}/").status_code == 204

        claimed.refresh_from_db()
        assert claimed.added_by is None
        assert owner_api.get(f"/api/tracks/{claimed.pk}/").status_code == 404
        assert SavedTrack.objects.filter(track=claimed).get().user == member

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
