"""The rule set admin's guards: no sync queued without Spotify, no preview before the permission
check, and a rule whose playlist was deleted still saves unchanged, with a warning."""

import html
import json

import pytest

from library.models import Playlist
from rules import services
from rules.models import RuleSet, SyncRun
from spotify_auth.models import SpotifyAccount

from . import builders as b

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/rules/ruleset/"


def change_url(ruleset: RuleSet) -> str:
    return f"{CHANGELIST}{ruleset.pk}/change/"


def messages_of(response) -> list[tuple[str, str]]:
    return [(m.level_tag, str(m)) for m in response.context["messages"]]


def test_sync_now_refuses_rules_whose_owner_has_no_spotify(
    admin_client, owner, member, django_capture_on_commit_callbacks
):
    SpotifyAccount.objects.create(user=member, spotify_user_id="m")
    lost = SpotifyAccount.objects.create(
        user=owner, spotify_user_id="o", status="needs_reconnect", status_reason="revoked"
    )
    ready = RuleSet.objects.create(owner=member, name="Ready", definition={"all": []})
    stale = RuleSet.objects.create(owner=owner, name="Stale", definition={"all": []})
    data = {"action": "sync_now", "_selected_action": [ready.pk, stale.pk]}

    with django_capture_on_commit_callbacks(execute=False):
        with_account = admin_client.post(CHANGELIST, data, follow=True)
    lost.delete()
    with django_capture_on_commit_callbacks(execute=False):
        without = admin_client.post(
            CHANGELIST, {**data, "_selected_action": [stale.pk]}, follow=True
        )

    run = SyncRun.objects.get()
    assert run.rule == ready
    assert messages_of(with_account) == [
        ("info", f"“Ready”: sync queued ({run.pk})"),
        ("warning", "“Stale”: not queued: reconnect Spotify: revoked"),
    ]
    assert messages_of(without) == [("warning", "“Stale”: not queued: connect Spotify first")]


def test_staff_without_the_rules_permission_run_no_preview(client, staff, owner):
    b.track(owner, "Alpha")
    ruleset = RuleSet.objects.create(owner=owner, name="All", definition={"all": []})
    client.force_login(staff)

    response = client.get(change_url(ruleset))

    assert response.status_code == 403
    ruleset.refresh_from_db()
    assert (ruleset.last_preview_count, ruleset.last_previewed_at) == (None, None)


@pytest.fixture
def orphan(owner) -> RuleSet:
    """A rule naming playlist "Sleep", saved while it existed, deleted since."""
    sleep = Playlist.objects.create(owner=owner, name="Sleep")
    written = services.read_rule(owner, query='playlist:"Sleep" year:1990..1999')
    ruleset = services.save_rule(RuleSet(owner=owner, name="Night"), written)
    sleep.delete()
    return ruleset


def form_of(ruleset: RuleSet, **changes) -> dict:
    """The change form as the page would post it back, with `changes`."""
    return {
        "owner": ruleset.owner_id,
        "name": ruleset.name,
        "description": ruleset.description,
        "query": ruleset.query,
        "definition": json.dumps(ruleset.definition),
        "target_playlist_name": ruleset.target_playlist_name,
        "enabled": "on" if ruleset.enabled else "",
        "auto_sync": ruleset.auto_sync or "",
        **changes,
    }


def test_the_change_page_warns_about_a_deleted_playlist(admin_client, orphan):
    page = html.unescape(admin_client.get(change_url(orphan)).content.decode())

    assert "Preview: 0 tracks now" in page
    assert (
        "This rule names playlist 'Sleep', which no longer exists: it matches nothing there."
        in page
    )


def test_a_rule_naming_a_deleted_playlist_saves_unchanged(admin_client, orphan):
    before = (orphan.query, orphan.definition)

    response = admin_client.post(change_url(orphan), form_of(orphan, enabled=""))

    assert response.status_code == 302, response.context["adminform"].form.errors
    orphan.refresh_from_db()
    assert orphan.enabled is False
    assert (orphan.query, orphan.definition) == before


def errors_of(client, ruleset: RuleSet, **changes) -> dict:
    response = client.post(change_url(ruleset), form_of(ruleset, **changes))
    assert response.status_code == 200, "saved"
    return response.context["adminform"].form.errors


def test_a_changed_rule_naming_a_deleted_playlist_is_refused(admin_client, orphan, member):
    changed = errors_of(admin_client, orphan, query='playlist:"Sleep" year:2000..2009')
    moved = errors_of(admin_client, orphan, owner=member.pk)
    other_mistake = errors_of(admin_client, orphan, name="   ")

    assert changed["query"] == ["at character 0: unknown playlist 'Sleep'"]
    assert moved["query"] == ["at character 0: unknown playlist 'Sleep'"]
    assert "name" in other_mistake  # the rest of the form is checked as ever


def test_the_same_rule_as_json_saves_unchanged_too(admin_client, owner):
    sleep = Playlist.objects.create(owner=owner, name="Sleep")
    written = services.read_rule(owner, definition={"all": [{"inPlaylist": {"id": sleep.pk}}]})
    ruleset = services.save_rule(RuleSet(owner=owner, name="Night"), written)
    Playlist.objects.filter(pk=sleep.pk).delete()

    saved = admin_client.post(change_url(ruleset), form_of(ruleset, name="Night 2"))
    page = html.unescape(admin_client.get(change_url(ruleset)).content.decode())

    assert saved.status_code == 302, saved.context["adminform"].form.errors
    assert f"This rule names playlist #{sleep.pk}, which no longer exists" in page
