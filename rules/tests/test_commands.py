"""rules_preview, rules_sync and rules_import_nsp: output, and one readable line on failure."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from rules.models import RuleSet
from spotify_auth.models import SpotifyAccount

from . import builders as b
from .conftest import playlist_items, uris_of

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_rules_preview_prints_the_count_and_the_first_tracks(owner):
    for title in ("Alpha", "Beta", "Gamma"):
        b.track(owner, title, artists=["Ann"])
    ruleset = RuleSet.objects.create(
        owner=owner, name="Greek", definition={"all": [], "sort": "-title"}
    )

    by_id = run("rules_preview", str(ruleset.pk), "--limit", "2")
    by_name = run("rules_preview", "Greek", "--explain", "--limit", "1")

    assert by_id.splitlines() == [
        "“Greek” selects 3 track(s)",
        "   1. Gamma — Ann",
        "   2. Beta — Ann",
        "      … and 1 more",
    ]
    assert "        matched: all of" in by_name


def test_rules_preview_names_what_is_wrong(owner, stranger):
    for user in (owner, stranger):
        RuleSet.objects.create(owner=user, name="Same", definition={"all": []})

    with pytest.raises(CommandError, match="no rule set 'Nope'"):
        run("rules_preview", "Nope")
    with pytest.raises(CommandError, match="several rule sets are named 'Same'.*add --user"):
        run("rules_preview", "Same")
    assert "selects 0 track(s)" in run("rules_preview", "Same", "--user", "owner")


def test_rules_sync_syncs_now_and_a_dry_run_writes_nothing(
    sandbox, connected, catalog_tracks, rule
):
    tracks = catalog_tracks(3)
    ruleset = rule(name="Three")

    planned = run("rules_sync", "Three", "--dry-run")
    assert sandbox.stats.writes == 0
    assert planned.strip() == (
        "“Three”: would make 1 write call(s) to a new playlist: "
        "3 to add, 0 to remove, 0 to move, 0 unchanged"
    )

    synced = run("rules_sync", str(ruleset.pk))
    assert "3 added" in synced and "created the playlist" in synced
    ruleset.refresh_from_db()
    assert [e.uri for e in playlist_items(sandbox, ruleset.spotify_playlist_id)] == uris_of(tracks)
    assert "0 write calls" in run("rules_sync", "--all")


def test_rules_sync_fails_with_the_reason_and_a_non_zero_status(sandbox, connected, rule):
    rule(name="Mine")
    SpotifyAccount.objects.update(
        status=SpotifyAccount.Status.NEEDS_RECONNECT,
        expires_at=timezone.now() - dt.timedelta(hours=1),
    )
    err = StringIO()

    with pytest.raises(CommandError, match="1 of 1 rule set"):
        call_command("rules_sync", "Mine", stdout=StringIO(), stderr=err)
    assert "reconnect Spotify" in err.getvalue()
    with pytest.raises(CommandError, match="name the rule sets to sync"):
        run("rules_sync")


NSP = """
// Navidrome smart playlist
{
  "name": "90s Favourites",
  "comment": "ignored",
  "all": [
    {"inTheRange": {"year": [1990, 1999]}},  /* Navidrome's own names */
    {"is": {"loved": true}}
  ],
  "sort": "year", "order": "desc", "limit": 50
}
"""


def test_rules_import_nsp_makes_a_rule_set(owner, tmp_path):
    path = tmp_path / "favourites.nsp"
    path.write_text(NSP)

    out = run("rules_import_nsp", str(path), "--user", "owner")

    ruleset = RuleSet.objects.get(owner=owner)
    assert ruleset.name == "90s Favourites"
    assert ruleset.definition == {
        "all": [{"inTheRange": {"year": [1990, 1999]}}, {"is": {"liked": True}}],
        "sort": "-year",
        "limit": 50,
    }
    assert out.splitlines() == [
        f"imported “90s Favourites” as rule set {ruleset.pk}",
        "  year:1990..1999 liked:true sort:-year limit:50",
    ]


def test_rules_import_nsp_names_the_fields_it_cannot_use(owner, tmp_path):
    path = tmp_path / "plays.nsp"
    path.write_text('{"all": [{"gt": {"playcount": 10}}, {"inTheLast": {"lastplayed": 30}}]}')

    with pytest.raises(CommandError, match=r"playcount \(all\[0\]\.gt\.playcount\), lastplayed"):
        run("rules_import_nsp", str(path), "--user", "owner")
    assert not RuleSet.objects.exists()
    with pytest.raises(CommandError, match="no user 'nobody'"):
        run("rules_import_nsp", str(path), "--user", "nobody")
