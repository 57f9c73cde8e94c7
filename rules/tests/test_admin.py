"""The admin: rule mistakes shown on their field, the preview on the change page, actions."""

import pytest

from rules.models import RuleSet, SyncRun

from . import builders as b

pytestmark = pytest.mark.django_db


def form(owner, **changes) -> dict:
    return {
        "owner": owner.pk,
        "name": "Smart",
        "description": "",
        "query": "",
        "definition": "",
        "target_playlist_name": "",
        "enabled": "on",
        "auto_sync": "",
        **changes,
    }


def test_a_rule_written_as_text_is_saved_with_its_json(admin_client, owner):
    response = admin_client.post(
        "/admin/rules/ruleset/add/", form(owner, query="artist:daft year:1990..1999")
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    ruleset = RuleSet.objects.get()
    assert ruleset.definition == {
        "all": [{"contains": {"artist": "daft"}}, {"inTheRange": {"year": [1990, 1999]}}]
    }


def test_mistakes_are_shown_on_the_field_they_belong_to(admin_client, owner):
    bad_text = admin_client.post("/admin/rules/ruleset/add/", form(owner, query="year:abc"))
    bad_json = admin_client.post(
        "/admin/rules/ruleset/add/",
        form(owner, definition='{"all": [{"gt": {"audio.bpm": "fast"}}], "limit": 0}'),
    )

    errors = bad_text.context["adminform"].form.errors
    assert errors["query"] == ["at character 0: expected a whole number, got text 'abc'"]
    errors = bad_json.context["adminform"].form.errors
    assert errors["definition"] == [
        "all[0].gt.audio.bpm: expected a number, got text 'fast'",
        "limit: expected a whole number from 1 to 10000",
    ]
    assert not RuleSet.objects.exists()


def test_json_nested_absurdly_deep_is_a_form_error(admin_client, owner):
    response = admin_client.post(
        "/admin/rules/ruleset/add/", form(owner, definition="[" * 5000 + "]" * 5000)
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["definition"] == ["JSON nested deeper than 100 levels"]
    assert not RuleSet.objects.exists()


def test_a_name_of_only_spaces_is_refused_and_names_are_stripped(admin_client, owner):
    blank = admin_client.post("/admin/rules/ruleset/add/", form(owner, name="   ", query="a"))
    padded = admin_client.post("/admin/rules/ruleset/add/", form(owner, name=" Padded ", query="a"))

    assert "name" in blank.context["adminform"].form.errors
    assert padded.status_code == 302
    assert list(RuleSet.objects.values_list("name", flat=True)) == ["Padded"]


def test_the_change_page_previews_the_count_and_the_first_tracks(admin_client, owner):
    for title in ("Alpha", "Beta"):
        b.track(owner, title, artists=["Ann"])
    b.track(owner, "Gamma (upload)", source="upload")
    ruleset = RuleSet.objects.create(
        owner=owner, name="All", definition={"all": [], "sort": "title"}
    )

    page = admin_client.get(f"/admin/rules/ruleset/{ruleset.pk}/change/").content.decode()

    assert "Preview: 3 tracks now" in page
    assert page.index("Alpha") < page.index("Beta") < page.index("Gamma (upload)")
    assert page.count("<td>Ann</td>") == 2
    assert "skipped (no Spotify id)" in page


def test_the_change_page_records_its_count_for_the_rule_sets_list(admin_client, owner):
    for title in ("Alpha", "Beta"):
        b.track(owner, title)
    ruleset = RuleSet.objects.create(owner=owner, name="All", definition={"all": []})

    admin_client.get(f"/admin/rules/ruleset/{ruleset.pk}/change/")
    listed = admin_client.get("/admin/rules/ruleset/").content.decode()

    ruleset.refresh_from_db()
    assert ruleset.last_preview_count == 2 and ruleset.last_previewed_at is not None
    assert '<td class="field-last_preview_count">2</td>' in listed


def test_sync_now_queues_a_job_and_dry_run_reports_the_plan(
    admin_client, sandbox, connected, catalog_tracks, rule, django_capture_on_commit_callbacks
):
    catalog_tracks(2)
    ruleset = rule()
    url = "/admin/rules/ruleset/"

    dry = admin_client.post(
        url, {"action": "dry_run", "_selected_action": [ruleset.pk]}, follow=True
    )
    with django_capture_on_commit_callbacks(execute=False):
        now = admin_client.post(
            url, {"action": "sync_now", "_selected_action": [ruleset.pk]}, follow=True
        )

    assert "would make 2 write call(s) to a new playlist: 2 to add" in dry.content.decode()
    assert sandbox.stats.writes == 0
    run = SyncRun.objects.get()
    assert f"sync queued ({run.pk})" in now.content.decode()


def test_sync_runs_can_be_read_but_not_changed(admin_client, owner):
    ruleset = RuleSet.objects.create(owner=owner, name="A", definition={"all": []})
    run = SyncRun.objects.create(owner=owner, rule=ruleset, added=3, before_uris=["x"])

    assert admin_client.get("/admin/rules/syncrun/").status_code == 200
    page = admin_client.get(f"/admin/rules/syncrun/{run.pk}/change/")
    assert page.status_code == 200 and "before_uris" not in page.content.decode()
    assert admin_client.get("/admin/rules/syncrun/add/").status_code == 403
