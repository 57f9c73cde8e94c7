"""Syncing a rule to the Spotify sandbox: first sync, no-op sync, changes, outside edits,
deleted targets, tracks without Spotify ids; write calls counted by the sandbox."""

import pytest

from library.models import Playlist, PlaylistEntry, Track
from rules import services
from rules.models import RuleSet

from . import builders as b
from .conftest import playlist_items, uris_of

pytestmark = pytest.mark.django_db


def test_the_first_sync_creates_a_private_playlist_in_the_rules_order(
    sandbox, connected, catalog_tracks, rule, sync
):
    tracks = catalog_tracks(150)
    ruleset = rule({"all": [], "sort": "-title"}, name="Backwards", target_playlist_name="Rev")
    sandbox.stats.reset()

    run = sync(ruleset)

    assert run.status == "completed", run.error
    ruleset.refresh_from_db()
    playlist = sandbox.state.playlist(ruleset.spotify_playlist_id)
    assert (playlist.name, playlist.public) == ("Rev", False)
    assert "Backwards" in playlist.description
    assert [e.uri for e in playlist.entries] == uris_of(reversed(tracks))
    # one create, then 150 URIs in two adds
    assert sandbox.stats.writes == 3
    assert (run.writes, run.added, run.removed, run.created_playlist) == (3, 150, 0, True)
    assert run.before_uris == [] and run.after_uris == uris_of(reversed(tracks))
    assert ruleset.last_sync_status == "synced"
    assert "150 added" in ruleset.last_sync_message


def test_a_second_sync_with_nothing_changed_writes_nothing_and_keeps_added_at(
    sandbox, connected, catalog_tracks, rule, sync
):
    catalog_tracks(30)
    ruleset = rule()
    sync(ruleset)
    ruleset.refresh_from_db()
    before = playlist_items(sandbox, ruleset.spotify_playlist_id)
    sandbox.stats.reset()

    run = sync(ruleset)

    assert run.status == "completed"
    assert sandbox.stats.writes == 0 and run.writes == 0
    # the playlist's details and our list of users' playlists; the items are not re-read
    assert sandbox.stats.count("GET", "/v1/playlists/{playlist_id}/items") == 0
    assert playlist_items(sandbox, ruleset.spotify_playlist_id) == before
    assert (run.unchanged, run.added, run.removed, run.moved) == (30, 0, 0, 0)


def test_a_changed_selection_costs_only_the_writes_it_needs(
    sandbox, connected, catalog_tracks, rule, sync
):
    tracks = catalog_tracks(40)
    ruleset = rule({"all": [{"lt": {"popularity": 30}}], "sort": "title"})
    sync(ruleset)
    ruleset.refresh_from_db()
    kept_before = {e.uri: e.added_at for e in playlist_items(sandbox, ruleset.spotify_playlist_id)}
    Track.objects.filter(pk__in=[t.pk for t in tracks[:5]]).update(popularity=99)  # 5 leave
    Track.objects.filter(pk__in=[t.pk for t in tracks[35:]]).update(popularity=1)  # 5 come
    sandbox.stats.reset()

    run = sync(ruleset)

    entries = playlist_items(sandbox, ruleset.spotify_playlist_id)
    assert [e.uri for e in entries] == uris_of(tracks[5:30] + tracks[35:])
    assert sandbox.stats.writes == 2  # one remove of 5 URIs, one add of 5 at the end
    assert (run.added, run.removed, run.unchanged) == (5, 5, 25)
    for entry in entries:
        if entry.uri in kept_before:
            assert entry.added_at == kept_before[entry.uri]


def test_a_reordered_rule_moves_entries_without_removing_them(
    sandbox, connected, catalog_tracks, rule, sync
):
    tracks = catalog_tracks(8)
    ruleset = rule({"all": [], "sort": "title"})
    sync(ruleset)
    ruleset.refresh_from_db()
    Track.objects.filter(pk=tracks[7].pk).update(title="A first")
    sandbox.stats.reset()

    run = sync(ruleset)

    assert [e.uri for e in playlist_items(sandbox, ruleset.spotify_playlist_id)] == uris_of(
        [tracks[7], *tracks[:7]]
    )
    assert sandbox.stats.count("PUT", "/v1/playlists/{playlist_id}/items") == 1
    assert sandbox.stats.writes == 1
    assert (run.moved, run.unchanged) == (1, 7)


def test_edits_made_on_spotify_are_overwritten_and_recorded(
    sandbox, connected, catalog_tracks, rule, sync
):
    catalog_tracks(10)
    ruleset = rule()
    sync(ruleset)
    ruleset.refresh_from_db()
    stranger_uri = f"spotify:track:{sandbox.state.catalog.pool[-1]}"
    sandbox.state.add_items(ruleset.spotify_playlist_id, [stranger_uri, stranger_uri], position=3)

    run = sync(ruleset)

    items = [e.uri for e in playlist_items(sandbox, ruleset.spotify_playlist_id)]
    assert stranger_uri not in items and len(items) == 10
    assert run.overwrote_outside_edits and run.removed == 2
    assert stranger_uri in run.before_uris
    assert "overwrote changes made on Spotify" in run.message


def test_a_playlist_deleted_on_spotify_is_made_again(
    sandbox, connected, catalog_tracks, rule, sync
):
    tracks = catalog_tracks(5)
    ruleset = rule()
    sync(ruleset)
    ruleset.refresh_from_db()
    first = ruleset.spotify_playlist_id
    sandbox.state.unfollow("sandbox-user", first)  # what "delete" does on Spotify

    run = sync(ruleset)

    ruleset.refresh_from_db()
    assert ruleset.spotify_playlist_id != first and run.created_playlist
    assert [e.uri for e in playlist_items(sandbox, ruleset.spotify_playlist_id)] == uris_of(tracks)
    assert "the old one was deleted on Spotify" in run.message


def test_a_playlist_gone_for_good_is_made_again(sandbox, connected, catalog_tracks, rule, sync):
    catalog_tracks(3)
    ruleset = rule()
    sync(ruleset)
    ruleset.refresh_from_db()
    sandbox.state.delete_playlist(ruleset.spotify_playlist_id)  # 404 from now on

    run = sync(ruleset)

    assert run.status == "completed" and run.created_playlist
    ruleset.refresh_from_db()
    assert len(playlist_items(sandbox, ruleset.spotify_playlist_id)) == 3


def test_tracks_without_a_spotify_id_are_skipped_and_counted(
    sandbox, connected, catalog_tracks, owner, rule, sync
):
    tracks = catalog_tracks(3)
    b.track(owner, "Song 001 (my upload)", source="upload")
    b.track(owner, "Song 002 (local)", source="local")
    ruleset = rule()

    run = sync(ruleset)

    ruleset.refresh_from_db()
    assert run.skipped == 2 and run.added == 3
    assert [e.uri for e in playlist_items(sandbox, ruleset.spotify_playlist_id)] == uris_of(tracks)
    assert "2 skipped (no Spotify id)" in run.message


def test_the_library_keeps_a_copy_the_rule_never_reads(
    sandbox, connected, catalog_tracks, owner, rule, sync
):
    tracks = catalog_tracks(4)
    ruleset = rule(target_playlist_name="Mine")
    sync(ruleset)
    ruleset.refresh_from_db()
    copy = Playlist.objects.get(owner=owner, spotify_id=ruleset.spotify_playlist_id)
    assert ruleset.target_playlist == copy
    positions = PlaylistEntry.objects.filter(playlist=copy).order_by("position")
    assert [e.track_id for e in positions] == [t.pk for t in tracks]
    # unlike them all: they stay in the library only through the rule's own playlist
    owner.saved_tracks.all().delete()

    run = sync(ruleset)

    assert run.removed == 4
    assert playlist_items(sandbox, ruleset.spotify_playlist_id) == []


def test_a_rule_set_can_be_disabled_without_losing_manual_syncs(connected, rule, sync):
    ruleset = rule(enabled=False)
    assert sync(ruleset).status == "completed"
    assert RuleSet.objects.get(pk=ruleset.pk).last_sync_status == "synced"


def test_renaming_the_target_renames_the_playlist_with_one_write(
    sandbox, connected, catalog_tracks, rule, sync
):
    catalog_tracks(2)
    ruleset = rule(target_playlist_name="Old name")
    sync(ruleset)
    ruleset.refresh_from_db()
    RuleSet.objects.filter(pk=ruleset.pk).update(target_playlist_name="New name")
    sandbox.stats.reset()

    run = sync(ruleset)

    assert sandbox.state.playlist(ruleset.spotify_playlist_id).name == "New name"
    assert sandbox.stats.writes == run.writes == 1


def test_selected_track_ids_are_the_rules_tracks_in_order(owner, rule):
    from rules.services import selected_track_ids

    tracks = [b.track(owner, title, popularity=p) for title, p in (("a", 5), ("b", 9), ("c", 7))]
    ruleset = rule({"all": [{"gt": {"popularity": 5}}], "sort": "-popularity", "limit": 5})

    assert selected_track_ids(ruleset) == [tracks[1].pk, tracks[2].pk]


def test_a_recreated_target_leaves_no_copy_of_the_old_one_to_feed_on(
    sandbox, connected, catalog_tracks, owner, rule, sync
):
    tracks = catalog_tracks(3)
    ruleset = rule({"all": [{"is": {"liked": True}}], "sort": "title"}, name="Feed")
    sync(ruleset)
    ruleset.refresh_from_db()
    first = ruleset.spotify_playlist_id
    sandbox.state.unfollow("sandbox-user", first)  # deleted on Spotify

    run = sync(ruleset)

    ruleset.refresh_from_db()
    assert run.status == "completed" and run.created_playlist
    assert not Playlist.objects.filter(owner=owner, spotify_id=first).exists()
    [copy] = Playlist.objects.filter(owner=owner, name="Feed")
    assert copy.spotify_id == ruleset.spotify_playlist_id == ruleset.target_playlist.spotify_id
    # the rule reading "its own" playlist by name finds only its current target: left out
    owner.saved_tracks.all().delete()
    ruleset.definition = {"all": [{"inPlaylist": {"name": "Feed"}}]}
    ruleset.save()
    assert services.selected_track_ids(ruleset) == []
    assert len(tracks) == copy.entries.count()


def test_a_track_spotify_does_not_know_is_skipped_and_the_others_sync(
    sandbox, connected, catalog_tracks, owner, rule, sync
):
    tracks = catalog_tracks(9)
    unknown = b.track(owner, "Song 004b (typo in its id)", spotify_id="0" * 22)
    ruleset = rule()
    sandbox.stats.reset()

    run = sync(ruleset)

    ruleset.refresh_from_db()
    assert run.status == "completed" and run.attempts == 1, run.error
    assert [e.uri for e in playlist_items(sandbox, ruleset.spotify_playlist_id)] == uris_of(tracks)
    assert (run.added, run.skipped) == (9, 1)
    assert run.unknown_uris == uris_of([unknown])
    assert "1 skipped (unknown to Spotify)" in run.message
    # one create, the refused add of 10, then halves: the first 5 go in, so the other 5
    # hold the unknown one and are split untried: 2 refused, the unknown one refused
    # alone, 1 in, the last 3 in
    assert sandbox.stats.writes == run.writes == 7
    report = services.sync_report(services.plan_sync(ruleset))
    assert (report["writes"], report["skipped"], report["unknown"]) == (0, 1, uris_of([unknown]))
    sandbox.stats.reset()

    again = sync(ruleset)  # the unknown one is not tried again: nothing to write

    assert (again.writes, again.skipped, again.unknown_uris) == (0, 1, uris_of([unknown]))
    assert sandbox.stats.writes == 0


def test_unknown_tracks_among_moves_and_inserts_still_give_the_rules_order(
    sandbox, connected, catalog_tracks, owner, rule, sync
):
    tracks = catalog_tracks(6)
    ruleset = rule({"all": [], "sort": "-title"})
    sync(ruleset)
    ruleset.refresh_from_db()
    bad = [b.track(owner, f"Song 00{i}x", spotify_id=f"{i}" * 22) for i in (1, 3)]
    Track.objects.filter(pk=tracks[0].pk).update(title="Song 009")  # moves to the top

    run = sync(ruleset)

    expected = sorted(tracks[1:], key=lambda t: t.title, reverse=True)
    items = [e.uri for e in playlist_items(sandbox, ruleset.spotify_playlist_id)]
    assert run.status == "completed", run.error
    assert items == uris_of([tracks[0], *expected])
    assert sorted(run.unknown_uris) == sorted(uris_of(bad)) and run.skipped == 2


def test_a_request_spotify_refuses_as_bad_fails_at_once(
    sandbox, connected, catalog_tracks, rule, sync
):
    catalog_tracks(2)
    ruleset = rule()
    sandbox.faults.fail(400, count=10, path_prefix="/v1/me/playlists")

    run = sync(ruleset)

    assert run.status == "failed" and run.attempts == 1
    assert "Spotify answered 400" in run.error


def test_renaming_the_rule_rewrites_the_description_with_one_write(
    sandbox, connected, catalog_tracks, rule, sync
):
    catalog_tracks(2)
    ruleset = rule(name="QA Big", target_playlist_name="Big")
    sync(ruleset)
    ruleset.refresh_from_db()
    RuleSet.objects.filter(pk=ruleset.pk).update(name="QA Huge")
    ruleset.refresh_from_db()
    plan = services.plan_sync(ruleset)
    assert plan.writes == 1 and plan.describe and not plan.rename_to
    assert "updating its description" in services.describe_plan(plan)
    sandbox.stats.reset()

    run = sync(ruleset)

    playlist = sandbox.state.playlist(ruleset.spotify_playlist_id)
    assert "“QA Huge”" in playlist.description and playlist.name == "Big"
    assert sandbox.stats.writes == run.writes == 1
    sandbox.stats.reset()
    assert sync(ruleset).writes == 0
    assert services.plan_sync(ruleset).writes == 0


def test_an_import_removes_the_copy_of_a_target_deleted_on_spotify(
    sandbox, connected, catalog_tracks, owner, rule, sync, django_capture_on_commit_callbacks
):
    from spotify_auth import importer

    catalog_tracks(3)
    ruleset = rule(name="Gone")
    sync(ruleset)
    ruleset.refresh_from_db()
    sandbox.state.unfollow("sandbox-user", ruleset.spotify_playlist_id)

    with django_capture_on_commit_callbacks(execute=True):
        [job] = importer.queue(owner, ["all-playlists"])

    job.refresh_from_db()
    assert job.message.endswith("1 removed (gone from Spotify)")
    assert not Playlist.objects.filter(owner=owner, name="Gone").exists()


def test_a_replace_refused_for_an_unknown_track_writes_the_others(
    sandbox, connected, catalog_tracks, owner, rule, sync
):
    tracks = catalog_tracks(4)
    ruleset = rule()
    sync(ruleset)
    ruleset.refresh_from_db()
    local = next(iter(sandbox.state.catalog.local))  # only a replace can take it out
    sandbox.state.add_items(ruleset.spotify_playlist_id, [local], position=1)
    unknown = b.track(owner, "Song 000 (unknown)", spotify_id="7" * 22)
    sandbox.stats.reset()

    run = sync(ruleset)

    assert run.status == "completed", run.error
    items = [e.uri for e in playlist_items(sandbox, ruleset.spotify_playlist_id)]
    assert items == uris_of(tracks) and run.unknown_uris == uris_of([unknown])
    # replaces of 5 and of its first 2 refused, of the first 1 made; the unknown one alone
    # is known to be refused (untried); the last 3 added
    assert sandbox.stats.count("PUT", "/v1/playlists/{playlist_id}/items") == 3
    assert sandbox.stats.count("POST", "/v1/playlists/{playlist_id}/items") == 1


def test_without_a_description_from_spotify_the_one_last_written_is_compared(
    sandbox, connected, catalog_tracks, rule, sync
):
    catalog_tracks(2)
    ruleset = rule(name="Old")
    sync(ruleset)
    ruleset.refresh_from_db()
    playlist = sandbox.state.playlist(ruleset.spotify_playlist_id)
    playlist.description = None  # Spotify may send null ("only for verified playlists")
    sandbox.stats.reset()
    assert sync(ruleset).writes == 0  # what the last sync wrote still names the rule

    RuleSet.objects.filter(pk=ruleset.pk).update(name="New")
    ruleset.refresh_from_db()
    run = sync(ruleset)

    assert run.writes == 1 and "“New”" in playlist.description
