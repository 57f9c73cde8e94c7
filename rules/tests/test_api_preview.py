"""Previews: GET /api/rules/{id}/preview/ and POST /api/rules/preview/."""

import datetime as dt

import pytest

from rules.models import RuleSet

from . import builders as b

pytestmark = pytest.mark.django_db


@pytest.fixture
def library(owner):
    """Twelve tracks; even ones are house, by "Daft Punk" or "Sigur Rós"."""
    made = []
    for i in range(12):
        made.append(
            b.track(
                owner,
                f"Track {i:02d}",
                artists=["Daft Punk" if i % 3 else "Sigur Rós"],
                genres=["House"] if i % 2 == 0 else ["Ambient"],
                popularity=i,
                saved_at=b.EPOCH + dt.timedelta(days=i),
            )
        )
    return made


def saved(owner, definition, **fields) -> RuleSet:
    return RuleSet.objects.create(owner=owner, name="r", definition=definition, **fields)


def test_a_rules_preview_pages_its_tracks_in_order_with_the_count(owner_api, owner, library):
    ruleset = saved(owner, {"all": [{"contains": {"genre": "house"}}], "sort": "-title"})

    first = owner_api.get(f"/api/rules/{ruleset.pk}/preview/?page_size=4").json()
    second = owner_api.get(first["next"]).json()

    assert first["count"] == 6 and first["previous"] is None
    titles = [t["title"] for t in first["results"] + second["results"]]
    assert titles == ["Track 10", "Track 08", "Track 06", "Track 04", "Track 02", "Track 00"]
    track = first["results"][0]
    assert track["artists"] == [{"id": track["artists"][0]["id"], "name": "Daft Punk"}]
    assert track["saved"] is True and "explanation" not in track
    assert second["next"] is None
    ruleset.refresh_from_db()
    assert ruleset.last_preview_count == 6 and ruleset.last_previewed_at is not None


def test_explain_says_why_each_track_is_in(owner_api, owner, library):
    ruleset = saved(owner, {"all": [{"contains": {"genre": "house"}}, {"lt": {"popularity": 3}}]})

    results = owner_api.get(f"/api/rules/{ruleset.pk}/preview/?explain=1").json()["results"]

    assert [r["title"] for r in results] == ["Track 00", "Track 02"]
    assert results[1]["explanation"] == [
        "matched: all of",
        "  matched: genre contains house (track: House)",
        "  matched: popularity < 3 (track: 2)",
    ]


def test_a_limit_caps_the_count_and_the_pages(owner_api, owner, library):
    ruleset = saved(owner, {"all": [], "sort": "popularity", "limit": 5})

    first = owner_api.get(f"/api/rules/{ruleset.pk}/preview/?page_size=3").json()
    second = owner_api.get(first["next"]).json()

    assert first["count"] == 5
    assert [t["popularity"] for t in first["results"] + second["results"]] == [0, 1, 2, 3, 4]
    assert owner_api.get(f"/api/rules/{ruleset.pk}/preview/?page=3&page_size=3").status_code == 404


def test_a_random_order_holds_across_the_pages_of_one_preview(owner_api, owner, library):
    ruleset = saved(owner, {"all": [], "sort": "random"})
    url = f"/api/rules/{ruleset.pk}/preview/?page_size=5"

    first = owner_api.get(url).json()
    pages = [first, owner_api.get(first["next"]).json()]
    pages.append(owner_api.get(pages[1]["next"]).json())

    ids = [t["id"] for page in pages for t in page["results"]]
    assert sorted(ids) == sorted(t.pk for t in library)
    assert first["seed"] == ruleset.random_seed
    again = owner_api.get(url).json()
    assert [t["id"] for t in again["results"]] == ids[:5]
    other = owner_api.get(url + "&seed=7").json()["results"]
    assert [t["id"] for t in other] != ids[:5]


@pytest.mark.parametrize("explain", ["", "&explain=1"])
def test_a_preview_page_costs_the_same_queries_for_2_tracks_or_40(
    owner_api, owner, django_assert_num_queries, explain
):
    ruleset = saved(owner, {"all": [{"contains": {"artist": "a"}}], "sort": "-title"})
    album = b.album("Both", ["Ann"])
    for total, new in ((2, 2), (40, 38)):
        for i in range(new):
            b.track(owner, f"T{total}-{i}", artists=["Ann", "Bea"], album_=album, tags=["x"])
        # the rule set, the ids with the count, the tracks, their artists, the user's tags,
        # the preview count noted; explaining adds the facts: tracks, artists, album artists,
        # enrichments, tags, playlist entries
        with django_assert_num_queries(6 + (6 if explain else 0)):
            response = owner_api.get(f"/api/rules/{ruleset.pk}/preview/?page_size=100{explain}")
        assert response.json()["count"] == total


def test_an_unsaved_rule_previews_with_a_seed_to_page_on(owner_api, owner, library):
    body = {"query": "genre:house sort:random", "seed": 99}

    first = owner_api.post("/api/rules/preview/?page_size=4", body, format="json").json()
    again = owner_api.post("/api/rules/preview/?page_size=4", body, format="json").json()
    second = owner_api.post("/api/rules/preview/?page=2&page_size=4", body, format="json").json()

    assert first["count"] == 6 and first["seed"] == 99
    assert [t["id"] for t in again["results"]] == [t["id"] for t in first["results"]]
    ids = [t["id"] for t in first["results"] + second["results"]]
    assert sorted(ids) == sorted(
        t.pk for t in library if "House" in ["House"] and t.popularity % 2 == 0
    )


def test_an_unsaved_rules_mistakes_come_back_with_paths(owner_api):
    response = owner_api.post(
        "/api/rules/preview/", {"definition": {"all": [{"gt": {"year": "x"}}]}}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["path"] == "definition.all[0].gt.year"


def test_a_regex_that_backtracks_for_hours_is_refused_before_it_runs(owner_api, owner):
    b.track(owner, "a" * 30 + "!")  # 4.9 s for this preview; 60 characters: hours
    query = 'title:~"' + "a{0,255}" * 8 + '$"'

    response = owner_api.post("/api/rules/preview/", {"query": query}, format="json")

    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["path"] == "query[0]"
    assert error["message"].startswith("too many repeats that can overlap ('a{0,255}'")


def test_a_preview_never_shows_another_users_library(owner_api, stranger, library):
    b.track(stranger, "Not yours", genres=["House"])

    response = owner_api.post("/api/rules/preview/", {"query": "genre:house"}, format="json")

    assert "Not yours" not in [t["title"] for t in response.json()["results"]]
