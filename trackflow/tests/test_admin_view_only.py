"""Staff who may only view: every custom admin action writes (or reads Spotify as the owner),
so none is offered to them, and a POST that names one anyway changes nothing."""

import pytest
from django.contrib.auth.models import Permission

from downloads.models import DownloadJob
from downloads.tests.factories import make_job, make_track
from library.models import Playlist, PlaylistEntry, Track, TrackTag
from rules.models import RuleSet, SyncRun
from spotify_auth.models import ImportJob
from trackflow.jobs.models import JobStatus

pytestmark = pytest.mark.django_db

# changelist -> its custom actions
ACTIONS = {
    "/admin/library/track/": [
        "set_status",
        "add_tag",
        "remove_tag",
        "download_tracks",
        "download_tracks_again",
    ],
    "/admin/library/playlist/": ["download_playlists"],
    "/admin/rules/ruleset/": ["sync_now", "dry_run"],
    "/admin/downloads/downloadjob/": ["retry_jobs", "cancel_jobs"],
    "/admin/spotify_auth/importjob/": ["retry_jobs", "cancel_jobs"],
}
CASES = [(url, action) for url, actions in ACTIONS.items() for action in actions]


@pytest.fixture
def viewer(client, staff):
    """Staff with the view permission (only) on every model above."""
    models = ["track", "playlist", "ruleset", "downloadjob", "importjob"]
    staff.user_permissions.set(
        Permission.objects.filter(codename__in=[f"view_{m}" for m in models])
    )
    client.force_login(staff)
    return client


@pytest.fixture
def rows(staff):
    """One row for each changelist, each in a state its actions would change."""
    track = make_track(title="Kept")
    TrackTag.objects.create(owner=staff, track=track, name="live")
    playlist = Playlist.objects.create(owner=staff, name="Road Trip")
    PlaylistEntry.objects.create(playlist=playlist, track=track, position=0)
    return {
        "/admin/library/track/": track,
        "/admin/library/playlist/": playlist,
        "/admin/rules/ruleset/": RuleSet.objects.create(
            owner=staff, name="R", definition={"all": []}
        ),
        "/admin/downloads/downloadjob/": make_job(staff, make_track(), status=JobStatus.FAILED),
        "/admin/spotify_auth/importjob/": ImportJob.objects.create(
            owner=staff, source="liked", status=JobStatus.PENDING
        ),
    }


def state() -> tuple:
    """Everything the actions could change."""
    return (
        list(Track.objects.values_list("status", flat=True)),
        list(TrackTag.objects.values_list("name", flat=True)),
        list(DownloadJob.objects.values_list("status", flat=True)),
        list(ImportJob.objects.values_list("status", flat=True)),
        SyncRun.objects.count(),
    )


@pytest.mark.parametrize("url", ACTIONS)
def test_a_viewer_is_offered_none_of_the_actions(url, viewer, rows):
    response = viewer.get(url)

    assert response.status_code == 200  # the list is theirs to read
    page = response.content.decode()
    assert not [action for action in ACTIONS[url] if f'value="{action}"' in page]


@pytest.mark.parametrize(("url", "action"), CASES)
def test_a_viewers_crafted_action_changes_nothing(url, action, viewer, rows):
    before = state()
    data = {
        "action": action,
        "_selected_action": [rows[url].pk],
        "status": "approved",
        "tag": "live",
    }

    response = viewer.post(url, data, follow=True)

    assert response.status_code == 200  # the list again: there is no action to run
    assert not [str(m) for m in response.context["messages"]]
    assert state() == before
    assert DownloadJob.objects.filter(track=rows["/admin/library/track/"]).count() == 0
