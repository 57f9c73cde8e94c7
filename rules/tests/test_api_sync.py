"""Diff, sync, sync runs and restore through the API, against the Spotify sandbox."""

import datetime as dt

import pytest
from django.utils import timezone

from library.models import Artist, Track, TrackArtist
from rules.models import RuleSet, SyncRun
from spotify_auth.models import SpotifyAccount

from .conftest import connect, playlist_items, uris_of

pytestmark = pytest.mark.django_db


def test_the_diff_before_a_first_sync_adds_everything(owner_api, connected, catalog_tracks, rule):
    tracks = catalog_tracks(3)
    for position, name in [(1, "Bea"), (0, "Ann")]:
        artist = Artist.objects.create(name=name)
        TrackArtist.objects.create(track=tracks[0], artist=artist, position=position)
    ruleset = rule()

    diff = owner_api.get(f"/api/rules/{ruleset.pk}/diff/").json()

    # making the playlist, then one add
    assert (diff["exists"], diff["playlist_id"], diff["writes"]) == (False, None, 2)
    assert [a["uri"] for a in diff["add"]] == uris_of(tracks)
    assert diff["add"][0]["track"] == {
        "id": tracks[0].pk,
        "title": "Song 000",
        "artists": ["Ann", "Bea"],  # in credit order
    }
    assert diff["add"][1]["track"]["artists"] == []
    assert diff["remove"] == diff["move"] == diff["unchanged"] == []


def test_the_diff_shows_what_a_sync_would_change(
    owner_api, sandbox, connected, catalog_tracks, rule, sync
):
    tracks = catalog_tracks(5)
    ruleset = rule({"all": [{"lt": {"popularity": 4}}], "sort": "title"})
    sync(ruleset)
    Track.objects.filter(pk=tracks[0].pk).update(popularity=50)  # leaves
    Track.objects.filter(pk=tracks[4].pk).update(popularity=0)  # comes
    Track.objects.filter(pk=tracks[3].pk).update(title="A first")  # moves
    sandbox.stats.reset()

    diff = owner_api.get(f"/api/rules/{ruleset.pk}/diff/").json()

    assert sandbox.stats.writes == 0
    assert diff["exists"] and not diff["outside_edits"]
    assert [(r["uri"], r["position"]) for r in diff["remove"]] == [(uris_of(tracks[:1])[0], 0)]
    assert [(a["uri"], a["position"]) for a in diff["add"]] == [(uris_of(tracks[4:])[0], 3)]
    assert [(m["uri"], m["from_position"], m["position"]) for m in diff["move"]] == [
        (uris_of(tracks[3:4])[0], 3, 0)
    ]
    assert [u["uri"] for u in diff["unchanged"]] == uris_of(tracks[1:3])
    assert diff["writes"] == 3


def test_the_diff_counts_the_writes_the_sync_then_makes(
    owner_api, sandbox, connected, catalog_tracks, rule, sync
):
    catalog_tracks(3)
    ruleset = rule(target_playlist_name="First name")
    url = f"/api/rules/{ruleset.pk}/diff/"

    first = owner_api.get(url).json()["writes"]
    assert first == sync(ruleset).writes == 2  # making the playlist, one add

    RuleSet.objects.filter(pk=ruleset.pk).update(target_playlist_name="Second name")
    renamed = owner_api.get(url).json()["writes"]
    assert renamed == sync(ruleset).writes == 1  # the rename alone


def test_a_diff_for_an_owner_who_must_reconnect_says_so(owner_api, connected, rule):
    SpotifyAccount.objects.update(
        status=SpotifyAccount.Status.NEEDS_RECONNECT,
        expires_at=timezone.now() - dt.timedelta(hours=1),
    )

    response = owner_api.get(f"/api/rules/{rule().pk}/diff/")

    assert response.status_code == 409 and "reconnect Spotify" in response.json()["detail"]


def test_sync_answers_202_with_the_job_and_a_second_request_joins_it(
    owner_api, connected, rule, django_capture_on_commit_callbacks
):
    ruleset = rule()
    with django_capture_on_commit_callbacks(execute=False):
        first = owner_api.post(f"/api/rules/{ruleset.pk}/sync/")
        second = owner_api.post(f"/api/rules/{ruleset.pk}/sync/")

    assert first.status_code == second.status_code == 202
    assert first.json()["id"] == second.json()["id"]
    assert (first.json()["kind"], first.json()["status"]) == ("sync", "pending")
    job = owner_api.get(f"/api/jobs/{first.json()['id']}/").json()
    assert job["kind"] == "sync"
    assert {name: first.json().get(name) for name in job} == job  # down to updated_at


@pytest.mark.parametrize("account", ["none", "needs reconnect"])
def test_sync_and_restore_without_a_usable_connection_are_a_409_and_queue_nothing(
    owner_api, owner, sandbox, rule, account
):
    # as diff and import answer: a job that could only fail is not queued
    ruleset = rule()
    before = SyncRun.objects.create(owner=owner, rule=ruleset, before_uris=[], status="completed")
    if account == "needs reconnect":
        connected_account = connect(sandbox, owner)
        SpotifyAccount.objects.filter(pk=connected_account.pk).update(
            status=SpotifyAccount.Status.NEEDS_RECONNECT, status_reason="Spotify revoked access"
        )
    expected = {
        "none": "connect Spotify first",
        "needs reconnect": "reconnect Spotify: Spotify revoked access",
    }[account]

    synced = owner_api.post(f"/api/rules/{ruleset.pk}/sync/")
    restored = owner_api.post(f"/api/rules/{ruleset.pk}/sync-runs/{before.pk}/restore/")

    assert (synced.status_code, synced.json()) == (409, {"detail": expected})
    assert (restored.status_code, restored.json()) == (409, {"detail": expected})
    assert list(SyncRun.objects.all()) == [before]


def test_sync_runs_are_listed_newest_first_and_restorable(
    owner_api, sandbox, connected, catalog_tracks, rule, django_capture_on_commit_callbacks
):
    tracks = catalog_tracks(4)
    ruleset = rule()
    with django_capture_on_commit_callbacks(execute=True):
        owner_api.post(f"/api/rules/{ruleset.pk}/sync/")
    Track.objects.filter(pk=tracks[0].pk).update(title="Z last")
    with django_capture_on_commit_callbacks(execute=True):
        owner_api.post(f"/api/rules/{ruleset.pk}/sync/")

    runs = owner_api.get(f"/api/rules/{ruleset.pk}/sync-runs/").json()

    assert runs["count"] == 2
    newest, oldest = runs["results"]
    assert (newest["moved"], oldest["added"], oldest["created_playlist"]) == (1, 4, True)
    assert newest["restorable"] and newest["status"] == "completed" and newest["writes"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        restore = owner_api.post(f"/api/rules/{ruleset.pk}/sync-runs/{newest['id']}/restore/")
    assert restore.status_code == 202 and restore.json()["restore_of"] == newest["id"]
    ruleset.refresh_from_db()
    assert [e.uri for e in playlist_items(sandbox, ruleset.spotify_playlist_id)] == uris_of(tracks)


def test_restore_needs_a_run_of_that_rule_that_read_the_playlist(owner_api, owner, rule):
    ruleset, other = rule(name="a"), rule(name="b")
    unread = SyncRun.objects.create(owner=owner, rule=ruleset, status="failed")
    elsewhere = SyncRun.objects.create(owner=owner, rule=other, before_uris=[])
    base = f"/api/rules/{ruleset.pk}/sync-runs"

    assert owner_api.post(f"{base}/{elsewhere.pk}/restore/").status_code == 404
    assert owner_api.post(f"{base}/not-a-uuid/restore/").status_code == 404
    response = owner_api.post(f"{base}/{unread.pk}/restore/")
    assert response.status_code == 409 and "nothing to restore" in response.json()["detail"]


def test_a_run_that_made_the_playlist_is_not_restorable(
    owner_api, sandbox, connected, catalog_tracks, rule, django_capture_on_commit_callbacks
):
    tracks = catalog_tracks(3)
    ruleset = rule(auto_sync=60)
    with django_capture_on_commit_callbacks(execute=True):
        owner_api.post(f"/api/rules/{ruleset.pk}/sync/")
    [made] = owner_api.get(f"/api/rules/{ruleset.pk}/sync-runs/").json()["results"]
    assert (made["created_playlist"], made["reads"]) == (True, 0)

    response = owner_api.post(f"/api/rules/{ruleset.pk}/sync-runs/{made['id']}/restore/")

    assert not made["restorable"]
    assert response.status_code == 409
    assert response.json() == {
        "detail": "that sync made the playlist (it never read one), so there is nothing to restore"
    }
    ruleset.refresh_from_db()
    assert ruleset.enabled and SyncRun.objects.filter(rule=ruleset).count() == 1
    assert [e.uri for e in playlist_items(sandbox, ruleset.spotify_playlist_id)] == uris_of(tracks)


def test_the_sync_run_list_costs_the_same_for_2_runs_or_30(
    owner_api, owner, rule, django_assert_num_queries
):
    ruleset = rule()
    for total in (2, 30):
        SyncRun.objects.all().delete()
        SyncRun.objects.bulk_create(
            SyncRun(owner=owner, rule=ruleset, status="completed", before_uris=["x"] * 100)
            for _ in range(total)
        )
        with django_assert_num_queries(3):  # the rule set, the count, the page
            response = owner_api.get(f"/api/rules/{ruleset.pk}/sync-runs/?page_size=50")
        assert response.json()["count"] == total


def test_the_rule_lists_filters_are_not_the_sync_runs_pages(owner_api, owner, rule):
    ruleset = rule(name="off")
    RuleSet.objects.filter(pk=ruleset.pk).update(enabled=False)
    run = SyncRun.objects.create(owner=owner, rule=ruleset, status="failed")
    base = f"/api/rules/{ruleset.pk}/sync-runs/"

    filtered = owner_api.get(f"{base}?enabled=true")  # was a 404: the rule is disabled
    ordered = owner_api.get(f"{base}?ordering=bogus")  # was a 400 naming the rule's fields
    schema = owner_api.get("/api/schema/?format=json").json()

    assert [r["id"] for r in filtered.json()["results"]] == [str(run.pk)]
    assert [r["id"] for r in ordered.json()["results"]] == [str(run.pk)]
    operation = schema["paths"]["/api/rules/{id}/sync-runs/"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"id", "page", "page_size"}
