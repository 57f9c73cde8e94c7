"""Restoring a sync run puts the playlist back as that run found it."""

import pytest

from library.models import Track
from rules.models import RuleSet

from .conftest import playlist_items, uris_of

pytestmark = pytest.mark.django_db


def test_a_restore_puts_back_what_the_run_replaced(sandbox, connected, catalog_tracks, rule, sync):
    tracks = catalog_tracks(20)
    ruleset = rule({"all": [{"lt": {"popularity": 10}}], "sort": "title"}, auto_sync=60)
    sync(ruleset)
    ruleset.refresh_from_db()
    first = playlist_items(sandbox, ruleset.spotify_playlist_id)
    Track.objects.filter(pk__in=[t.pk for t in tracks[:3]]).update(popularity=50)
    changing = sync(ruleset)
    assert changing.removed == 3
    sandbox.stats.reset()

    restore = sync(restore=changing)

    assert restore.status == "completed" and restore.restore_of == changing
    entries = playlist_items(sandbox, ruleset.spotify_playlist_id)
    assert [e.uri for e in entries] == [e.uri for e in first] == uris_of(tracks[:10])
    assert sandbox.stats.writes == 1  # the three go back in one add at the top
    assert restore.before_uris == uris_of(tracks[3:10]) and restore.added == 3
    assert not RuleSet.objects.get(pk=ruleset.pk).enabled  # auto-sync would undo it


def test_a_sync_that_made_the_playlist_cannot_be_restored_and_leaves_it_alone(
    sandbox, connected, catalog_tracks, rule, sync
):
    tracks = catalog_tracks(5)
    ruleset = rule()
    first = sync(ruleset)
    assert (first.created_playlist, first.reads) == (True, 0)
    sandbox.stats.reset()

    restore = sync(restore=first)

    ruleset.refresh_from_db()
    assert restore.status == "failed" and restore.attempts == 1  # not retried
    assert "made the playlist (it never read one)" in restore.error
    assert sandbox.stats.writes == 0
    assert [e.uri for e in playlist_items(sandbox, ruleset.spotify_playlist_id)] == uris_of(tracks)


def test_a_restore_brings_back_tracks_added_on_spotify(
    sandbox, connected, catalog_tracks, rule, sync
):
    catalog_tracks(4)
    ruleset = rule()
    sync(ruleset)
    ruleset.refresh_from_db()
    outside = f"spotify:track:{sandbox.state.catalog.pool[-1]}"
    sandbox.state.add_items(ruleset.spotify_playlist_id, [outside], position=0)
    overwriting = sync(ruleset)
    assert overwriting.overwrote_outside_edits

    sync(restore=overwriting)

    items = [e.uri for e in playlist_items(sandbox, ruleset.spotify_playlist_id)]
    assert items[0] == outside and len(items) == 5
