"""Searches and tags ignore the case of every letter, not only ASCII, on SQLite as on PostgreSQL.

SQLite's LIKE folds ASCII letters only: these searched for "BJÖRK" and found no Björk there.
"""

import pytest
from django.urls import reverse

from library.models import TrackTag
from library.services import saved, tags
from library.services.catalog import upsert_tracks
from library.tests.factories import (
    AlbumFactory,
    ArtistFactory,
    PlaylistFactory,
    TrackFactory,
    spotify_track,
)

pytestmark = pytest.mark.django_db


def found(response, key="id") -> list:
    assert response.status_code == 200, response.content
    return sorted(row[key] for row in response.json()["results"])


@pytest.fixture
def library(owner) -> dict:
    """Tracks in the owner's library by a key; each non-ASCII word is in one of them only."""
    tracks = {
        "bjork": TrackFactory(title="Hyperballad", artists=["Björk"]),
        "sigur": TrackFactory(title="Hoppípolla", artists=["Sigur Rós"]),
        "deja": TrackFactory(title="Carry On", album=AlbumFactory(name="Déjà Vu")),
        "tatu": TrackFactory(title="Нас не догонят", artists=["Тату"]),
        "ascii": TrackFactory(title="Bjork Sigur Ros Deja Vu", artists=["Tatu"]),
    }
    saved.save_tracks(owner, [(track.pk, None) for track in tracks.values()])
    return tracks


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("BJÖRK", ["bjork"]),  # an artist
        ("SIGUR RÓS", ["sigur"]),  # every word
        ('"SIGUR RÓS"', ["sigur"]),  # quoted
        ("HOPPÍPOLLA", ["sigur"]),  # the title
        ("DÉJÀ", ["deja"]),  # the album
        ("тату", ["tatu"]),  # lower case finds upper case too
        ("НАС", ["tatu"]),
    ],
)
def test_track_search_ignores_the_case_of_every_letter(search, expected, owner_api, library):
    response = owner_api.get("/api/tracks/", {"search": search})
    assert found(response) == sorted(library[key].pk for key in expected)


def test_ascii_searches_find_what_they_did_and_non_ascii_alike(owner_api, library):
    def search(text):
        return found(owner_api.get("/api/tracks/", {"search": text}))

    assert search("SIGUR") == search("sigur") == sorted([library["sigur"].pk, library["ascii"].pk])
    assert search("björk") == search("BJÖRK") == search("Björk") == [library["bjork"].pk]
    assert search("BJORK") == [library["ascii"].pk]


def test_percent_and_underscore_in_a_search_are_literal(owner, owner_api):
    titles = ["100% Été", "1000 Été", "Été_2", "Été 2", "Été\\3"]
    tracks = {title: TrackFactory(title=title) for title in titles}
    saved.save_tracks(owner, [(track.pk, None) for track in tracks.values()])

    def search(text):
        return found(owner_api.get("/api/tracks/", {"search": f'"{text}"'}))

    assert search("100% ÉTÉ") == [tracks["100% Été"].pk]
    assert search("100%") == [tracks["100% Été"].pk]
    assert search("ÉTÉ_2") == [tracks["Été_2"].pk]
    assert search("ÉTÉ\\3") == [tracks["Été\\3"].pk]


@pytest.mark.parametrize("rows", [2, 200])
def test_a_non_ascii_search_costs_the_same_four_queries(
    rows, owner, owner_api, django_assert_num_queries
):
    ids = upsert_tracks([spotify_track(n, name=f"Sóng {n}") for n in range(rows)])
    saved.save_tracks(owner, [(pk, None) for pk in ids])
    # the matches' ids, sorted; the page's rows; artists in order; the user's tags
    with django_assert_num_queries(4):
        response = owner_api.get("/api/tracks/?page_size=500&search=SÓNG&ordering=-popularity")
    assert len(found(response)) == rows == response.json()["count"]


def test_artist_album_and_playlist_searches_ignore_case(owner, owner_api, library):
    PlaylistFactory(owner=owner, name="Sigur Rós live")
    PlaylistFactory(owner=owner, name="Ros and friends")
    assert found(owner_api.get("/api/artists/?search=BJÖRK"), "name") == ["Björk"]
    assert found(owner_api.get("/api/artists/?search=ТАТУ"), "name") == ["Тату"]
    assert found(owner_api.get("/api/albums/?search=DÉJÀ"), "name") == ["Déjà Vu"]
    assert found(owner_api.get("/api/playlists/?search=RÓS"), "name") == ["Sigur Rós live"]


def test_the_tag_filter_ignores_the_case_of_every_letter(owner, member, owner_api):
    mine, theirs, plain = TrackFactory(), TrackFactory(), TrackFactory()
    saved.save_tracks(owner, [(mine.pk, None), (theirs.pk, None), (plain.pk, None)])
    tags.add_tag(owner, [mine.pk], "émo")
    tags.add_tag(owner, [plain.pk], "emo")
    tags.add_tag(member, [theirs.pk], "émo")
    assert found(owner_api.get("/api/tracks/?tag=ÉMO")) == [mine.pk]
    assert found(owner_api.get("/api/tracks/?tag=EMO")) == [plain.pk]


def test_a_tag_is_added_and_removed_once_in_any_case(owner):
    track = TrackFactory()
    assert tags.add_tag(owner, [track.pk], "Émo") == 1
    assert tags.add_tag(owner, [track.pk], "éMO") == 0
    assert list(TrackTag.objects.filter(owner=owner).values_list("name", flat=True)) == ["Émo"]
    assert tags.remove_tag(owner, [track.pk], "ÉMO") == 1


@pytest.mark.parametrize(
    ("model", "term", "hit", "miss"),
    [
        ("track", "SIGUR RÓS", "Hoppípolla", "Bjork Sigur Ros Deja Vu"),
        ("artist", "BJÖRK", "Björk", "Sigur Rós"),
        ("album", "DÉJÀ", "Déjà Vu", "Bjork Sigur Ros Deja Vu"),
        ("playlist", "RÓS", "Sigur Rós live", "Ros and friends"),
    ],
)
def test_the_admin_search_ignores_the_case_of_every_letter(
    model, term, hit, miss, admin_client, admin_user, library
):
    PlaylistFactory(owner=admin_user, name="Sigur Rós live")
    PlaylistFactory(owner=admin_user, name="Ros and friends")
    AlbumFactory(name="Bjork Sigur Ros Deja Vu")
    ArtistFactory(name="Bjork")
    response = admin_client.get(reverse(f"admin:library_{model}_changelist"), {"q": term})
    assert response.status_code == 200
    html = response.content.decode()
    assert hit in html and miss not in html
