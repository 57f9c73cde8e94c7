"""Every way of finding a page's ids gives the same tracks in the same order."""

import pytest

from library.api import pagination
from library.services import saved
from library.tests.factories import AlbumFactory, TrackFactory

pytestmark = pytest.mark.django_db

ORDERINGS = ["-popularity", "popularity", "title", "-release_year", "duration_ms", "-created_at"]


@pytest.fixture
def library(owner):
    years = [1990, 2000, None]
    tracks = [
        TrackFactory(
            title=f"Song {n % 7}",
            popularity=n % 4,
            duration_ms=1000 * (n % 5),
            album=AlbumFactory(release_year=years[n % 3]),
        )
        for n in range(23)
    ]
    saved.save_tracks(owner, [(t.pk, None) for t in tracks])
    return tracks


def pages(client, query: str) -> tuple[int, list[int]]:
    first = client.get(f"/api/tracks/?page_size=10&{query}").json()
    rest = [client.get(f"/api/tracks/?page_size=10&page={n}&{query}").json() for n in (2, 3)]
    ids = [row["id"] for body in (first, *rest) for row in body["results"]]
    return first["count"], ids


@pytest.mark.parametrize("ordering", ORDERINGS)
def test_walking_and_collecting_give_the_same_pages(ordering, owner_api, library, monkeypatch):
    query = f"ordering={ordering}&explicit=false"
    monkeypatch.setattr(pagination, "walk_is_cheaper", lambda *args: True)
    walked = pages(owner_api, query)
    monkeypatch.setattr(pagination, "walk_is_cheaper", lambda *args: False)
    assert pages(owner_api, query) == walked
    assert walked[0] == 23 and len(set(walked[1])) == 23


@pytest.mark.parametrize("ordering", ORDERINGS)
def test_a_search_too_broad_to_collect_is_counted_and_cut_the_same(
    ordering, owner_api, library, monkeypatch
):
    query = f"ordering={ordering}&search=song"
    collected = pages(owner_api, query)
    monkeypatch.setattr(pagination, "COLLECT_AT_MOST", 5)
    assert pages(owner_api, query) == collected
    assert collected[0] == 23


@pytest.mark.parametrize(
    ("stop", "matches", "catalog", "walk"),
    [
        (100, 30, 100_000, False),  # a rare word: the walk would read the whole catalog
        (100, 17_000, 100_000, True),  # a common word: 100 matches within ~600 rows
        (100, 100_000, 100_000, True),  # no filter
        (50_100, 100_000, 100_000, True),  # deep page, no filter: sorting everything is worse
        (100, 300, 100_000, False),
    ],
)
def test_the_plan_follows_the_density_of_matches(stop, matches, catalog, walk):
    assert pagination.walk_is_cheaper(stop, matches, catalog) is walk
