"""/api/rules/: create, read, change and delete rule sets; errors at their paths; owners only."""

import pytest

from library.models import Playlist
from rules.models import RuleSet

from . import builders as b

pytestmark = pytest.mark.django_db


def errors_of(response) -> dict[str, str]:
    assert response.status_code == 400, response.content
    return {e["path"]: e["message"] for e in response.json()["errors"]}


def test_a_rule_written_as_json_is_stored_normalized_with_its_text_form(owner_api):
    body = {
        "name": "Nineties house",
        "definition": {
            "all": [{"inTheRange": {"YEAR": [1990, 1999]}}, {"contains": {"genre": "house"}}],
            "sort": "-year",
        },
        "target_playlist_name": "90s House",
        "auto_sync": 60,
    }

    response = owner_api.post("/api/rules/", body, format="json")

    assert response.status_code == 201, response.content
    data = response.json()
    assert data["definition"] == {
        "all": [{"inTheRange": {"year": [1990, 1999]}}, {"contains": {"genre": "house"}}],
        "sort": "-year",
    }
    assert data["query"] == "" and data["text"] == "year:1990..1999 genre:house sort:-year"
    assert (data["auto_sync"], data["enabled"], data["last_sync_status"]) == (60, True, "")


def test_a_rule_written_as_text_keeps_its_text_and_gets_the_json(owner_api):
    response = owner_api.post(
        "/api/rules/", {"name": "Daft", "query": "artist:daft -explicit:true limit:20"}
    )

    assert response.status_code == 201, response.content
    data = response.json()
    assert data["query"] == "artist:daft -explicit:true limit:20"
    assert data["definition"] == {
        "all": [{"contains": {"artist": "daft"}}, {"isNot": {"explicit": True}}],
        "limit": 20,
    }


def test_every_mistake_comes_back_with_its_path(owner_api):
    definition = {
        "all": [
            {"gt": {"audio.bpm": "fast"}},
            {"any": [{"contains": {"colour": "red"}}]},
            {"inPlaylist": {"name": "Nope"}},
        ],
        "limit": 0,
    }

    found = errors_of(
        owner_api.post("/api/rules/", {"name": "x", "definition": definition}, format="json")
    )

    assert set(found) == {
        "definition.all[0].gt.audio.bpm",
        "definition.all[1].any[0].contains.colour",
        "definition.all[2].inPlaylist.name",
        "definition.limit",
    }
    assert found["definition.all[2].inPlaylist.name"] == "unknown playlist 'Nope'"
    assert "unknown field 'colour'" in found["definition.all[1].any[0].contains.colour"]


def test_text_mistakes_point_at_the_character(owner_api):
    body = {"name": "x", "query": "colour:red year:1990..1980"}

    found = errors_of(owner_api.post("/api/rules/", body))

    assert found == {
        "query[0]": "unknown field 'colour'",
        "query[11]": "range minimum 1990 is above its maximum 1980",
    }


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"name": "x"}, "definition"),
        ({"name": "x", "query": "a", "definition": {"all": []}}, "query"),
    ],
)
def test_a_rule_needs_exactly_one_of_definition_and_query(owner_api, body, path):
    assert path in errors_of(owner_api.post("/api/rules/", body, format="json"))


def test_names_are_unique_per_owner(owner_api, stranger_api, owner):
    RuleSet.objects.create(owner=owner, name="Mine", definition={"all": []})
    body = {"name": "Mine", "query": "a"}

    assert "name" in errors_of(owner_api.post("/api/rules/", body))
    assert stranger_api.post("/api/rules/", body).status_code == 201


def test_names_are_stripped_and_a_blank_one_is_refused(owner_api, owner):
    made = owner_api.post("/api/rules/", {"name": "  Padded  ", "query": "a"})
    assert made.status_code == 201 and made.json()["name"] == "Padded"

    assert "name" in errors_of(owner_api.post("/api/rules/", {"name": "   ", "query": "a"}))
    url = f"/api/rules/{made.json()['id']}/"
    assert "name" in errors_of(owner_api.patch(url, {"name": "   "}))
    assert "name" in errors_of(owner_api.post("/api/rules/", {"name": " Padded ", "query": "a"}))
    assert list(RuleSet.objects.values_list("name", flat=True)) == ["Padded"]


def test_a_playlist_of_the_owner_is_known_by_name_or_id(owner_api, owner, stranger):
    mine = b.playlist(owner, "Road Trip")
    theirs = b.playlist(stranger, "Road Trip 2")
    definition = {
        "all": [{"inPlaylist": {"name": "road trip"}}, {"notInPlaylist": {"id": mine.pk}}]
    }
    assert (
        owner_api.post(
            "/api/rules/", {"name": "ok", "definition": definition}, format="json"
        ).status_code
        == 201
    )

    definition = {"all": [{"inPlaylist": {"id": theirs.pk}}]}
    found = errors_of(
        owner_api.post("/api/rules/", {"name": "no", "definition": definition}, format="json")
    )
    assert found == {"definition.all[0].inPlaylist.id": f"unknown playlist #{theirs.pk}"}


def test_a_patch_without_a_rule_keeps_the_rule(owner_api, owner):
    ruleset = RuleSet.objects.create(owner=owner, name="A", definition={"all": []}, query="")

    response = owner_api.patch(f"/api/rules/{ruleset.pk}/", {"name": "B", "enabled": False})

    assert response.status_code == 200, response.content
    ruleset.refresh_from_db()
    assert (ruleset.name, ruleset.enabled, ruleset.definition) == ("B", False, {"all": []})


def test_a_patch_with_a_query_replaces_the_rule(owner_api, owner):
    ruleset = RuleSet.objects.create(owner=owner, name="A", definition={"all": []})

    response = owner_api.patch(f"/api/rules/{ruleset.pk}/", {"query": "title:love"})

    assert response.json()["definition"] == {"all": [{"contains": {"title": "love"}}]}


def test_the_list_costs_two_queries_for_2_rules_or_30(owner_api, owner, django_assert_num_queries):
    for count in (2, 30):
        RuleSet.objects.all().delete()
        for i in range(count):
            RuleSet.objects.create(owner=owner, name=f"r{i}", definition={"all": []})
        with django_assert_num_queries(2):  # the count, the page
            response = owner_api.get("/api/rules/?page_size=100")
        assert response.json()["count"] == count


def test_a_stranger_sees_nothing_of_anothers_rules(stranger_api, owner):
    ruleset = RuleSet.objects.create(owner=owner, name="A", definition={"all": []})
    base = f"/api/rules/{ruleset.pk}/"

    assert stranger_api.get("/api/rules/").json()["count"] == 0
    for method, path in [
        ("get", base),
        ("patch", base),
        ("delete", base),
        ("get", base + "preview/"),
        ("get", base + "diff/"),
        ("post", base + "sync/"),
        ("get", base + "sync-runs/"),
    ]:
        assert getattr(stranger_api, method)(path).status_code == 404, (method, path)
    assert RuleSet.objects.filter(pk=ruleset.pk).exists()


def test_deleting_a_rule_leaves_its_playlists(owner_api, owner):
    playlist = b.playlist(owner, "Kept")
    ruleset = RuleSet.objects.create(
        owner=owner, name="A", definition={"all": []}, target_playlist=playlist
    )

    assert owner_api.delete(f"/api/rules/{ruleset.pk}/").status_code == 204
    assert Playlist.objects.filter(pk=playlist.pk).exists()


def test_validate_answers_the_normalized_rule_or_the_errors(owner_api):
    ok = owner_api.post(
        "/api/rules/validate/",
        {"definition": {"all": [{"isnot": {"Source": "LOCAL"}}]}},
        format="json",
    )
    assert ok.json() == {
        "valid": True,
        "definition": {"all": [{"isNot": {"source": "local"}}]},
        "query": "-source:local",
    }
    bad = owner_api.post("/api/rules/validate/", {"query": "year:abc"})
    assert list(errors_of(bad)) == ["query[0]"]


HUGE = 10**30  # beyond any integer SQLite or PostgreSQL can bind


@pytest.mark.parametrize(
    ("definition", "path", "message"),
    [
        (
            {"all": [{"gt": {"year": HUGE}}]},
            "definition.all[0].gt.year",
            "between -10^15 and 10^15",
        ),
        ({"all": [{"lt": {"audio.bpm": -1e308}}]}, "definition.all[0].lt.audio.bpm", "10^15"),
        ({"all": [{"is": {"audio.key": 1e300}}]}, "definition.all[0].is.audio.key", "10^15"),
        (
            {"all": [{"inPlaylist": {"id": HUGE}}]},
            "definition.all[0].inPlaylist.id",
            "expected a positive whole number",
        ),
    ],
)
def test_numbers_beyond_what_a_database_binds_are_refused(owner_api, definition, path, message):
    response = owner_api.post("/api/rules/validate/", {"definition": definition}, format="json")

    assert response.status_code == 400, response.content
    [error] = response.json()["errors"]
    assert error["path"] == path and message in error["message"]


@pytest.mark.parametrize(
    "condition",
    [
        {"contains": {"title": "a\x00"}},
        {"is": {"audio.key": "a\x00"}},
        {"matches": {"title": "a\x00"}},
        {"inPlaylist": {"name": "a\x00"}},
    ],
)
def test_text_with_a_nul_character_is_refused(owner_api, condition):
    # PostgreSQL cannot bind it (a 500 there), and SQLite's LIKE stops reading at it
    response = owner_api.post(
        "/api/rules/preview/", {"definition": {"all": [condition]}}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["message"].endswith("cannot hold the NUL character")


def test_the_text_form_refuses_huge_numbers_too(owner_api):
    response = owner_api.post(
        "/api/rules/preview/", {"query": "year:>99999999999999999999999999"}, format="json"
    )

    assert response.status_code == 400
    assert "between -10^15 and 10^15" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize(
    ("value", "message"),
    [(HUGE, "less than or equal to 525600"), (0, "greater than or equal to 1")],
)
def test_auto_sync_is_between_a_minute_and_a_year(owner_api, value, message):
    response = owner_api.post(
        "/api/rules/", {"name": "r", "definition": {"all": []}, "auto_sync": value}, format="json"
    )

    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["path"] == "auto_sync" and message in error["message"]


@pytest.mark.parametrize(
    ("query", "path"),
    [
        ("seed=0", "seed"),
        (f"seed={HUGE}", "seed"),
        ("seed=abc", "seed"),
        ("explain=maybe", "explain"),
    ],
)
def test_a_saved_rules_preview_checks_its_parameters(owner, owner_api, query, path):
    rule = RuleSet.objects.create(owner=owner, name="r", definition={"all": []})

    response = owner_api.get(f"/api/rules/{rule.pk}/preview/?{query}")

    assert response.status_code == 400
    assert response.json()["errors"][0]["path"] == path


def test_the_enabled_filter_reads_booleans_strictly(owner, owner_api):
    RuleSet.objects.create(owner=owner, name="on", definition={"all": []})
    RuleSet.objects.create(owner=owner, name="off", definition={"all": []}, enabled=False)

    off = owner_api.get("/api/rules/?enabled=0").json()["results"]
    bad = owner_api.get("/api/rules/?enabled=maybe")

    assert [rule["name"] for rule in off] == ["off"]
    assert bad.status_code == 400 and bad.json()["errors"][0]["path"] == "enabled"
