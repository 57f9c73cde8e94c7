"""GET /api/tracks/: your library only, the DESIGN fields, every filter, constant queries."""

import pytest

from library.services import saved, tags
from library.tests.factories import (
    AlbumFactory,
    PlaylistEntryFactory,
    PlaylistFactory,
    SavedTrackFactory,
    TrackFactory,
)

pytestmark = pytest.mark.django_db


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_a_track_shows_every_field_of_the_contract(owner, owner_api):
    album = AlbumFactory(name="Homework", release_year=1997)
    track = TrackFactory(
        title="Da Funk",
        album=album,
        artists=["Daft Punk", "Guest"],
        isrc="GBDUW9700006",
        duration_ms=328_000,
        explicit=True,
        popularity=70,
        track_number=3,
    )
    SavedTrackFactory(user=owner, track=track)
    tags.add_tag(owner, [track.pk], "house")

    [row] = owner_api.get("/api/tracks/").json()["results"]

    artists = list(track.track_artists.order_by("position").values_list("artist_id", flat=True))
    assert row == {
        "id": track.pk,
        "title": "Da Funk",
        "artists": [{"id": artists[0], "name": "Daft Punk"}, {"id": artists[1], "name": "Guest"}],
        "album": {"id": album.pk, "name": "Homework"},
        "duration_ms": 328_000,
        "isrc": "GBDUW9700006",
        "spotify_id": track.spotify_id,
        "youtube_id": None,
        "source": "spotify",
        "explicit": True,
        "popularity": 70,
        "release_year": 1997,
        "disc_number": 1,
        "track_number": 3,
        "has_audio": False,
        "status": "new",
        "saved": True,
        "tags": ["house"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }
    assert row["created_at"].endswith("Z")


def test_the_library_is_saved_playlisted_and_added_tracks_and_nothing_else(owner, owner_api):
    liked, listed, added = TrackFactory(), TrackFactory(), TrackFactory(added_by=owner)
    TrackFactory()  # in the catalog, not in this library
    SavedTrackFactory(user=owner, track=liked)
    PlaylistEntryFactory(playlist=PlaylistFactory(owner=owner), track=listed, position=0)
    assert sorted(ids(owner_api.get("/api/tracks/"))) == sorted([liked.pk, listed.pk, added.pk])


def test_a_stranger_sees_none_of_it_and_gets_404_for_each_track(owner, saved_for, stranger_api):
    [track_id] = saved_for(owner, 1)
    assert ids(stranger_api.get("/api/tracks/")) == []
    response = stranger_api.get(f"/api/tracks/{track_id}/")
    assert response.status_code == 404
    assert response.json() == {"detail": "No Track matches the given query."}


def test_a_member_sharing_a_track_sees_their_own_saved_flag_and_tags(owner, member, api):
    track = TrackFactory()
    SavedTrackFactory(user=owner, track=track)
    tags.add_tag(owner, [track.pk], "owner's")
    PlaylistEntryFactory(playlist=PlaylistFactory(owner=member), track=track, position=0)
    api.force_authenticate(member)
    [row] = api.get("/api/tracks/").json()["results"]
    assert (row["saved"], row["tags"]) == (False, [])


def test_staff_see_the_whole_catalog_only_when_they_ask(staff, owner, api, saved_for):
    saved_for(owner, 3)
    api.force_authenticate(staff)
    assert ids(api.get("/api/tracks/")) == []
    assert len(ids(api.get("/api/tracks/?scope=all"))) == 3


def test_scope_all_means_nothing_from_a_user_who_is_not_staff(owner, member, api, saved_for):
    saved_for(owner, 2)
    api.force_authenticate(member)
    assert ids(api.get("/api/tracks/?scope=all")) == []


def test_a_track_detail_adds_lyrics_and_whether_you_may_edit_it(owner, owner_api):
    mine = TrackFactory(added_by=owner, source="local", spotify_id=None, lyrics="la la")
    body = owner_api.get(f"/api/tracks/{mine.pk}/").json()
    assert (body["lyrics"], body["editable"], body["source"]) == ("la la", True, "local")


@pytest.mark.parametrize("rows", [2, 200])
def test_a_page_costs_six_queries_whatever_its_size(
    rows, owner, owner_api, saved_for, django_assert_num_queries
):
    track_ids = saved_for(owner, rows)
    tags.add_tag(owner, track_ids, "all")
    # count; the catalog's size (picks the id plan); the page's ids; their rows (album
    # joined, saved annotated); artists in order; the user's tags
    with django_assert_num_queries(6):
        response = owner_api.get("/api/tracks/?page_size=500&ordering=-popularity")
    assert len(ids(response)) == rows
    assert all(
        len(row["artists"]) == 2 and row["tags"] == ["all"] for row in response.json()["results"]
    )


@pytest.mark.parametrize("rows", [2, 200])
def test_a_searched_page_costs_four_queries_whatever_its_size(
    rows, owner, owner_api, saved_for, django_assert_num_queries
):
    saved_for(owner, rows)
    # the matches' ids, sorted (count and page both come from them); the page's rows;
    # artists in order; the user's tags
    with django_assert_num_queries(4):
        response = owner_api.get("/api/tracks/?page_size=500&search=song&ordering=-popularity")
    assert len(ids(response)) == rows == response.json()["count"]


class TestFilters:
    def test_search_matches_words_in_title_artist_or_album(self, owner, owner_api):
        hit = TrackFactory(title="Around the World", artists=["Daft Punk"])
        SavedTrackFactory(user=owner, track=hit)
        SavedTrackFactory(user=owner, track=TrackFactory(title="World", artists=["Other"]))
        assert ids(owner_api.get("/api/tracks/?search=daft world")) == [hit.pk]

    def test_source(self, owner, owner_api):
        upload = TrackFactory(added_by=owner, source="upload", spotify_id=None)
        SavedTrackFactory(user=owner)
        assert ids(owner_api.get("/api/tracks/?source=upload")) == [upload.pk]

    def test_an_unknown_source_is_a_400_naming_the_parameter(self, owner_api):
        response = owner_api.get("/api/tracks/?source=vinyl")
        assert response.status_code == 400
        assert response.json()["errors"][0]["path"] == "source"

    def test_artist(self, owner, owner_api):
        hit = TrackFactory(artists=["A", "B"])
        SavedTrackFactory(user=owner, track=hit)
        SavedTrackFactory(user=owner, track=TrackFactory(artists=["C"]))
        second = hit.track_artists.get(position=1).artist_id
        assert ids(owner_api.get(f"/api/tracks/?artist={second}")) == [hit.pk]

    def test_album(self, owner, owner_api):
        hit, other = TrackFactory(), TrackFactory()
        SavedTrackFactory(user=owner, track=hit)
        SavedTrackFactory(user=owner, track=other)
        assert ids(owner_api.get(f"/api/tracks/?album={hit.album_id}")) == [hit.pk]

    def test_has_audio(self, owner, owner_api):
        with_file = TrackFactory(audio_file="library/a.mp3")
        without = TrackFactory()
        saved.save_tracks(owner, [(with_file.pk, None), (without.pk, None)])
        assert ids(owner_api.get("/api/tracks/?has_audio=true")) == [with_file.pk]
        assert ids(owner_api.get("/api/tracks/?has_audio=false")) == [without.pk]

    def test_saved(self, owner, owner_api):
        liked, listed = TrackFactory(), TrackFactory()
        SavedTrackFactory(user=owner, track=liked)
        PlaylistEntryFactory(playlist=PlaylistFactory(owner=owner), track=listed, position=0)
        assert ids(owner_api.get("/api/tracks/?saved=true")) == [liked.pk]
        assert ids(owner_api.get("/api/tracks/?saved=false")) == [listed.pk]

    def test_status(self, owner, owner_api):
        approved = TrackFactory(status="approved")
        saved.save_tracks(owner, [(approved.pk, None), (TrackFactory().pk, None)])
        assert ids(owner_api.get("/api/tracks/?status=approved")) == [approved.pk]

    def test_tag_is_your_own_in_any_case(self, owner, member, owner_api):
        a, b = TrackFactory(), TrackFactory()
        saved.save_tracks(owner, [(a.pk, None), (b.pk, None)])
        tags.add_tag(owner, [a.pk], "Gym")
        tags.add_tag(member, [b.pk], "gym")
        assert ids(owner_api.get("/api/tracks/?tag=GYM")) == [a.pk]

    def test_explicit(self, owner, owner_api):
        rude = TrackFactory(explicit=True)
        saved.save_tracks(owner, [(rude.pk, None), (TrackFactory().pk, None)])
        assert ids(owner_api.get("/api/tracks/?explicit=true")) == [rude.pk]

    def test_isrc_ignores_case_and_hyphens(self, owner, owner_api):
        hit = TrackFactory(isrc="USRC17607839")
        saved.save_tracks(owner, [(hit.pk, None), (TrackFactory().pk, None)])
        assert ids(owner_api.get("/api/tracks/?isrc=us-rc1-76-07839")) == [hit.pk]

    def test_spotify_and_youtube_ids(self, owner, owner_api):
        hit = TrackFactory(youtube_id="dQw4w9WgXcQ")
        saved.save_tracks(owner, [(hit.pk, None), (TrackFactory().pk, None)])
        assert ids(owner_api.get(f"/api/tracks/?spotify_id={hit.spotify_id}")) == [hit.pk]
        assert ids(owner_api.get("/api/tracks/?youtube_id=dQw4w9WgXcQ")) == [hit.pk]


class TestOrdering:
    @pytest.fixture
    def three(self, owner):
        rows = [
            TrackFactory(title="b", popularity=5, album=AlbumFactory(name="z", release_year=1990)),
            TrackFactory(title="a", popularity=50, album=AlbumFactory(name="y", release_year=2020)),
            TrackFactory(title="c", popularity=5, album=None),
        ]
        saved.save_tracks(owner, [(t.pk, None) for t in rows])
        return rows

    def test_by_title_by_default(self, owner_api, three):
        b, a, c = three
        assert ids(owner_api.get("/api/tracks/")) == [a.pk, b.pk, c.pk]

    def test_ties_are_broken_by_id_in_the_same_direction(self, owner_api, three):
        b, a, c = three  # b and c share a popularity; c is newer
        assert ids(owner_api.get("/api/tracks/?ordering=-popularity")) == [a.pk, c.pk, b.pk]
        assert ids(owner_api.get("/api/tracks/?ordering=popularity")) == [b.pk, c.pk, a.pk]

    def test_by_release_year_and_album_name(self, owner_api, three):
        b, a, c = three
        years = ids(owner_api.get("/api/tracks/?ordering=-release_year"))
        assert years[:2] == [a.pk, b.pk]
        assert ids(owner_api.get("/api/tracks/?ordering=album_name"))[-2:] == [a.pk, b.pk]


def test_list_pages_are_capped_at_five_hundred(owner, owner_api, saved_for):
    saved_for(owner, 3)
    body = owner_api.get("/api/tracks/?page_size=2").json()
    assert (body["count"], len(body["results"])) == (3, 2) and body["next"]
