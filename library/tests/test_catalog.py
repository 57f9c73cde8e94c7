"""upsert_tracks: constant statements per batch, idempotent, faithful to Spotify's shapes."""

import sqlite3

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from library.models import Album, AlbumArtist, Artist, Track, TrackArtist
from library.services.catalog import upsert_tracks
from library.services.tracks import create_track
from library.tests.factories import TrackFactory, local_track, spotify_id, spotify_track
from spotify_auth.sandbox.data import build_catalog

pytestmark = pytest.mark.django_db


def artist_names(track_id: int) -> list[str]:
    links = TrackArtist.objects.filter(track_id=track_id).order_by("position")
    return list(links.values_list("artist__name", flat=True))


def test_ten_and_five_hundred_tracks_cost_the_same_statements():
    def statements(items):
        with CaptureQueriesContext(connection) as captured:
            upsert_tracks(items)
        return len(captured)

    small = statements([spotify_track(n, artists=2) for n in range(10)])
    large = statements([spotify_track(n, artists=2) for n in range(1000, 1500)])
    # savepoint, artists upsert, albums upsert, album artists, tracks upsert (each upsert
    # RETURNING its ids; a database without RETURNING adds an id SELECT to each of the three),
    # old artist links deleted, new links inserted, release
    expected = 8 if connection.features.can_return_rows_from_bulk_insert else 11
    assert small == large == expected


def test_a_second_upsert_of_the_same_tracks_changes_nothing():
    items = [spotify_track(n, artists=2) for n in range(20)]
    first = upsert_tracks(items)
    counts = (Track.objects.count(), Artist.objects.count(), Album.objects.count())
    links = set(TrackArtist.objects.values_list("track_id", "artist_id", "position"))

    assert upsert_tracks(items) == first
    assert (Track.objects.count(), Artist.objects.count(), Album.objects.count()) == counts
    assert set(TrackArtist.objects.values_list("track_id", "artist_id", "position")) == links


def test_ids_come_back_in_the_order_given_with_repeats():
    items = [spotify_track(3), spotify_track(1), spotify_track(3), spotify_track(2)]
    ids = upsert_tracks(items)
    titles = [Track.objects.get(pk=pk).title for pk in ids]
    assert titles == ["Song 3", "Song 1", "Song 3", "Song 2"]
    assert ids[0] == ids[2]


def test_an_upsert_updates_the_fields_spotify_changed():
    [track_id] = upsert_tracks([spotify_track(5)])
    changed = spotify_track(5, name="Song 5 (Remastered)", popularity=99, explicit=True)
    changed["album"] = {**changed["album"], "name": "Record 5 (Deluxe)", "release_date": "2001"}
    changed["artists"] = [{"id": "arNew00000000000000000", "name": "Someone Else"}]

    assert upsert_tracks([changed]) == [track_id]
    track = Track.objects.select_related("album").get(pk=track_id)
    assert (track.title, track.popularity, track.explicit) == ("Song 5 (Remastered)", 99, True)
    assert track.album.name == "Record 5 (Deluxe)"
    assert (track.album.release_year, track.album.release_date_precision) == (2001, "year")
    assert artist_names(track_id) == ["Someone Else"]


def test_a_spotify_track_made_by_hand_becomes_the_catalogs_when_imported(owner):
    # made by id before anyone imported it (staff, or a member before that was refused)
    made = TrackFactory(
        spotify_id=spotify_id("tr", 5),
        title="claimed",
        artists=["Evil"],
        added_by=owner,
        status="rejected",
        lyrics="la la",
    )

    assert upsert_tracks([spotify_track(5)]) == [made.pk]

    track = Track.objects.get(pk=made.pk)
    assert (track.title, track.isrc, track.added_by) == ("Song 5", "GBAYE0000005", None)
    assert artist_names(made.pk) == ["Singer 5.0"]
    # what an import never writes (curation, lyrics, files) stays as it was
    assert (track.status, track.lyrics) == ("rejected", "la la")


def test_a_local_file_made_by_hand_stays_its_makers_when_an_import_lists_it(owner):
    made = create_track(
        owner,
        {"title": "Untitled #1", "duration_ms": 412_000, "source": "local"},
        artists=["Sigur Rós"],
        album="Demo Tapes",
    )

    assert upsert_tracks([local_track("Untitled #1", "Sigur Rós", "Demo Tapes", 412)]) == [made.pk]
    assert Track.objects.get(pk=made.pk).added_by == owner


def test_spotify_fields_land_where_they_belong():
    [track_id] = upsert_tracks([spotify_track(7, artists=2)])
    track = Track.objects.select_related("album").get(pk=track_id)
    assert track.spotify_id == "tr00000000000000000007"
    assert (track.source, track.isrc, track.duration_ms) == ("spotify", "GBAYE0000007", 180_007)
    assert (track.track_number, track.disc_number, track.popularity) == (8, 1, 7)
    album = track.album
    assert (album.name, album.album_type, str(album.release_date)) == (
        "Record 7",
        "album",
        "1999-05-17",
    )
    assert album.cover_url == "https://img.example/7.jpg"
    assert list(AlbumArtist.objects.filter(album=album).values_list("artist__name", flat=True)) == [
        "Singer 7.0"
    ]


def test_many_artists_keep_their_order():
    item = spotify_track(1, artists=6)
    item["artists"].reverse()
    [track_id] = upsert_tracks([item])
    assert artist_names(track_id) == [f"Singer 1.{i}" for i in reversed(range(6))]


def test_local_files_are_known_by_artist_album_title_and_duration():
    items = [
        local_track("Untitled #1", "Sigur Rós", "Demo Tapes", 412),
        local_track("Untitled #1", "Sigur Rós", "Demo Tapes", 412),
        local_track("Untitled #1", "Sigur Rós", "Demo Tapes", 413),  # another take
        local_track("Tong Poo", "坂本龍一", "", 301),
    ]
    ids = upsert_tracks(items)
    assert ids[0] == ids[1] != ids[2]
    assert upsert_tracks(items) == ids  # and again: the same rows

    track = Track.objects.select_related("album").get(pk=ids[0])
    assert (track.source, track.spotify_id, track.popularity) == ("local", None, None)
    assert (track.album.name, track.album.spotify_id) == ("Demo Tapes", None)
    assert artist_names(ids[0]) == ["Sigur Rós"]
    assert Track.objects.get(pk=ids[3]).album is None
    assert Artist.objects.filter(name="Sigur Rós").count() == 1


def test_id_less_albums_of_different_artists_stay_apart():
    ids = upsert_tracks(
        [
            local_track("One", "Alpha", "Greatest Hits", 100),
            local_track("Two", "Beta", "Greatest Hits", 100),
            local_track("Three", "Alpha", "Greatest Hits", 100),
        ]
    )
    albums = [Track.objects.get(pk=pk).album_id for pk in ids]
    assert albums[0] == albums[2] != albums[1]


def test_a_relinked_track_is_kept_under_the_id_the_user_saved():
    item = spotify_track(9, linked_from={"id": "oldid00000000000000009"})
    [track_id] = upsert_tracks([item])
    assert Track.objects.get(pk=track_id).spotify_id == "oldid00000000000000009"
    assert upsert_tracks([item]) == [track_id]


def test_unicode_and_very_long_names_are_stored_whole_up_to_the_column_size():
    name = "Ǆ🎵 " + "ß" * 300
    item = spotify_track(4, name=name)
    item["artists"] = [{"id": "arUnicode0000000000001", "name": "坂本龍一 " + "é" * 300}]
    item["album"]["name"] = "🎶" * 600
    [track_id] = upsert_tracks([item])
    track = Track.objects.select_related("album").get(pk=track_id)
    assert track.title == name
    assert artist_names(track_id) == ["坂本龍一 " + "é" * 300]
    assert track.album.name == "🎶" * 500


def test_two_thousand_tracks_in_one_call_all_arrive_in_order():
    items = [spotify_track(n, artists=3, album=n // 10) for n in range(2000)]
    ids = upsert_tracks(items)
    assert len(set(ids)) == 2000 == Track.objects.count()
    assert Track.objects.get(pk=ids[1234]).title == "Song 1234"
    assert TrackArtist.objects.count() == 6000
    assert Album.objects.count() == 200


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's parameter limit")
def test_an_sqlite_built_with_the_old_999_parameter_limit_still_takes_big_batches():
    connection.ensure_connection()
    limit = sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER
    previous = connection.connection.setlimit(limit, 999)
    try:
        ids = upsert_tracks([spotify_track(n, artists=4) for n in range(600)])
    finally:
        connection.connection.setlimit(limit, previous)
    assert len(set(ids)) == 600 == Track.objects.count()
    assert artist_names(ids[599]) == [f"Singer 599.{i}" for i in range(4)]


def test_the_sandbox_catalog_with_all_its_quirks_goes_in_whole():
    catalog = build_catalog(seed=3, size=150)
    items = [*catalog.tracks.values(), *catalog.local.values()]
    ids = upsert_tracks(items)
    relinked = [t for t in catalog.tracks.values() if t.get("linked_from")]
    assert relinked, "the sandbox should include relinked tracks"
    # a relinked track and its target are the same recording under two ids the user may hold
    assert len(set(ids)) == len(catalog.tracks) + len(catalog.local)
    assert Track.objects.filter(source="local").count() == len(catalog.local)
    plain = [t for t in items if not t.get("linked_from") and not t.get("is_local")]
    widest = max(plain, key=lambda t: len(t["artists"]))
    assert len(widest["artists"]) > 2
    assert artist_names(ids[items.index(widest)]) == [a["name"] for a in widest["artists"]]


def column_types(table: str, columns: list[str]) -> set[tuple]:
    """The types the database holds in those columns, row by row (SQLite keeps any type)."""
    if connection.vendor != "sqlite":
        return set()
    picked = ", ".join(f"typeof({column})" for column in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {picked} FROM {table}")
        return set(cursor.fetchall())


def test_wrong_typed_values_are_stored_as_nothing_never_as_text():
    item = spotify_track(
        1,
        duration_ms="long",
        popularity=250,  # over the column's 100
        explicit="false",  # a string: not JSON's true
        track_number=True,
        disc_number=-1,
        external_ids={"isrc": 12345},
    )
    item["album"].update(
        release_date=1999,
        release_date_precision=["day"],
        total_tracks="12",
        images="cover.jpg",
        album_type=None,
    )

    [track_id] = upsert_tracks([item])

    track = Track.objects.select_related("album").get(pk=track_id)
    assert (track.duration_ms, track.popularity, track.explicit) == (None, None, False)
    assert (track.track_number, track.disc_number, track.isrc) == (None, 1, "")
    album = track.album
    assert (album.release_date, album.release_date_precision, album.release_year) == (
        None,
        "",
        None,
    )
    assert (album.total_tracks, album.cover_url, album.album_type) == (None, "", "")
    assert ("text",) not in column_types("library_track", ["duration_ms"])
    assert list(Track.objects.values_list("duration_ms", "popularity")) == [(None, None)]


def test_numbers_in_range_and_whole_floats_are_kept():
    item = spotify_track(2, duration_ms=240_000.0, popularity=100, track_number=3)
    [track_id] = upsert_tracks([item])
    track = Track.objects.get(pk=track_id)
    assert (track.duration_ms, track.popularity, track.track_number) == (240_000, 100, 3)
    assert type(track.duration_ms) is int


def test_items_no_track_can_be_made_of_are_left_out_and_answered_none():
    good = spotify_track(3)
    items = [
        {"id": "abc"},  # no title, and not a Spotify id
        good,
        spotify_track(4, id="abc"),  # a title, but an id Spotify never gives
        spotify_track(5, name=""),
        spotify_track(6, name=["Song"]),
        "not an object",
        spotify_track(7, id=None),  # a catalog track without an id
    ]

    ids = upsert_tracks(items)

    assert ids == [None, ids[1], None, None, None, None, None]
    assert list(Track.objects.values_list("spotify_id", flat=True)) == [good["id"]]


def test_ids_that_are_not_spotify_ids_are_never_stored_as_such():
    item = spotify_track(8)
    item["artists"] = [{"id": "x" * 23, "name": "Known By Name"}, {"id": 42, "name": "Other"}]
    item["album"]["id"] = "not-an-album-id"
    item["linked_from"] = {"id": "short"}  # relinked from something that is no id: its own id

    [track_id] = upsert_tracks([item])

    track = Track.objects.select_related("album").get(pk=track_id)
    assert track.spotify_id == item["id"]
    assert artist_names(track_id) == ["Known By Name", "Other"]
    assert not Artist.objects.filter(spotify_id__in=["x" * 23, "42"]).exists()
    assert (track.album.name, track.album.spotify_id) == ("Record 8", None)  # known by name


def test_garbled_lists_and_objects_inside_an_item_are_read_as_empty():
    item = spotify_track(9)
    item.update(artists=None, album="Record 9", external_ids=[], linked_from="old")

    [track_id] = upsert_tracks([item])

    track = Track.objects.get(pk=track_id)
    assert (track.title, track.album_id, track.isrc) == ("Song 9", None, "")
    assert artist_names(track_id) == []


def test_strings_lose_nul_characters_and_keep_to_their_columns():
    item = spotify_track(10, name="Nul\x00Song " + "x" * 600)
    [track_id] = upsert_tracks([item])
    title = Track.objects.get(pk=track_id).title
    assert title.startswith("NulSong ") and len(title) == 500
