"""Whose file a re-download may replace: staff any, a member only the one they fetched.

A track's file is shared by every member whose library holds it; `owner` fetched it in these
tests, `member` has the track in their library too.
"""

import io
import re
from pathlib import Path

import pytest
from django.contrib import admin
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.management import CommandError, call_command
from django.utils import timezone
from rest_framework.test import APIClient

from downloads import services
from downloads.admin_actions import download_tracks_again
from downloads.models import DownloadJob
from downloads.tasks import run_download
from downloads.tests.factories import make_download, make_job, make_playlist, make_track
from library.models import SavedTrack, Track
from trackflow.jobs.models import JobStatus
from trackflow.testing.audio import make_audio

pytestmark = pytest.mark.django_db

THEIRS = "track {}'s audio was fetched by another member; only they or an admin can replace it"


@pytest.fixture
def fetched(owner, member, settings):
    """A track in both libraries whose file `owner`'s download fetched."""
    track = make_track(title="Fetched")
    SavedTrack.objects.create(user=member, track=track, added_at=timezone.now())
    make_download(owner, track, data=b"owner's audio")
    return track


def client(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def audio(settings, track) -> bytes:
    track.refresh_from_db()
    return Path(settings.MEDIA_ROOT, track.audio_file.name).read_bytes()


@pytest.mark.parametrize("force", [True, False])
def test_a_member_cannot_replace_a_file_another_member_fetched(member, fetched, settings, force):
    free = make_track()
    SavedTrack.objects.create(user=member, track=free, added_at=timezone.now())
    body = {"track_ids": [free.pk, fetched.pk], "force": force}

    response = client(member).post("/api/downloads/", body, format="json")

    if force:
        assert response.status_code == 400
        assert response.json() == {
            "errors": [{"path": "track_ids[1]", "message": THEIRS.format(fetched.pk)}]
        }
        assert not DownloadJob.objects.filter(owner=member).exists()
    else:  # no replacement asked for: the member shares the file
        assert response.status_code == 201
        jobs = response.json()["jobs"]
        assert [(j["track"]["id"], j["status"]) for j in jobs] == [
            (free.pk, "pending"),
            (fetched.pk, "completed"),
        ]
    assert audio(settings, fetched) == b"owner's audio"


def test_sharing_a_file_does_not_make_it_yours_to_replace(member, fetched):
    [shared] = services.queue_downloads(member, [fetched.pk])
    assert (shared.status, shared.message) == (JobStatus.COMPLETED, "already downloaded")

    response = client(member).post(
        "/api/downloads/", {"track_ids": [fetched.pk], "force": True}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == THEIRS.format(fetched.pk)


@pytest.mark.parametrize("who", ["owner", "staff"])
def test_the_member_who_fetched_it_or_staff_may_replace_it(request, fetched, who):
    user = request.getfixturevalue(who)

    response = client(user).post(
        "/api/downloads/", {"track_ids": [fetched.pk], "force": True}, format="json"
    )

    assert response.status_code == 201
    assert DownloadJob.objects.get(status=JobStatus.PENDING).owner == user


def test_a_file_no_download_fetched_is_for_staff_to_replace(member, settings):
    track = make_track()
    SavedTrack.objects.create(user=member, track=track, added_at=timezone.now())
    Path(settings.MEDIA_ROOT, "library").mkdir(parents=True)
    Path(settings.MEDIA_ROOT, "library/by hand.mp3").write_bytes(b"audio")
    Track.objects.filter(pk=track.pk).update(audio_file="library/by hand.mp3")

    response = client(member).post(
        "/api/downloads/", {"track_ids": [track.pk], "force": True}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == (
        f"track {track.pk}'s audio was not downloaded by you; only an admin can replace it"
    )


def test_a_forced_playlist_skips_the_tracks_whose_file_another_member_fetched(member, fetched):
    free = make_track()
    playlist = make_playlist(member, [fetched, free])

    response = client(member).post(
        "/api/downloads/", {"playlist_id": playlist.pk, "force": True}, format="json"
    )

    assert response.status_code == 201
    body = response.json()
    assert [job["track"]["id"] for job in body["jobs"]] == [free.pk]
    assert body["skipped"] == [fetched.pk]


def test_the_command_refuses_named_tracks_and_skips_a_playlists(member, fetched):
    with pytest.raises(CommandError, match=f"^{re.escape(THEIRS.format(fetched.pk))}$"):
        call_command("download", "--user", "member", "--track", str(fetched.pk), "--force")
    playlist = make_playlist(member, [fetched, make_track()])
    out = io.StringIO()

    call_command(
        "download", "--user", "member", "--playlist", str(playlist.pk), "--force", stdout=out
    )

    assert out.getvalue() == (
        "queued 1 download(s); 1 left alone: only an admin or the member who fetched their "
        "audio can replace it\n"
    )
    assert not DownloadJob.objects.filter(owner=member, track=fetched).exists()


def action_request(rf, user):
    request = rf.post("/admin/")
    request.user, request.session = user, {}
    request._messages = FallbackStorage(request)
    return request


@pytest.mark.parametrize(("who", "queued"), [("member", False), ("staff", True)])
def test_the_download_again_action_keeps_the_same_rule(rf, request, fetched, who, queued):
    # the admin site lets only staff in; the action itself holds the rule all the same
    user = request.getfixturevalue(who)
    action = action_request(rf, user)

    download_tracks_again(admin.ModelAdmin(Track, admin.site), action, Track.objects.all())

    assert DownloadJob.objects.filter(owner=user, status=JobStatus.PENDING).exists() is queued
    message = "1 download(s) queued." if queued else "0 download(s) queued; 1 left alone"
    assert str(list(get_messages(action))[0]).startswith(message)


def test_a_retried_job_does_not_replace_a_file_another_member_fetched_meanwhile(
    owner, member, media, settings
):
    track = make_track()
    late = make_job(member, track)  # queued while the track had no file
    make_download(owner, track, data=b"owner's audio")
    media.add(f"/audio/{track.spotify_id}", make_audio("mp3", 1.0))

    run_download(str(late.pk))

    late.refresh_from_db()
    assert (late.status, late.error) == (JobStatus.FAILED, THEIRS.format(track.pk))
    assert audio(settings, track) == b"owner's audio" and media.hits == {}


def test_a_replaced_file_takes_every_completed_job_of_the_track_along(
    owner, member, staff, media, settings
):
    track = make_track(("Daft Punk",), title="Digital Love")
    media.add(f"/audio/{track.spotify_id}", make_audio("mp3", 1.0))
    [fetch] = services.queue_downloads(owner, [track.pk])
    run_download(str(fetch.pk))
    [shared] = services.queue_downloads(member, [track.pk])  # "already downloaded"
    settings.DOWNLOAD_PATH_TEMPLATE = "{artist}/{title}"  # the next file lands elsewhere

    [forced] = services.queue_downloads(staff, [track.pk], force=True)
    run_download(str(forced.pk))

    forced.refresh_from_db()
    assert forced.file == "library/Daft Punk/Digital Love.mp3", forced.error
    for job in (fetch, shared):
        job.refresh_from_db()
        assert job.file == forced.file  # not the deleted "library/Daft Punk/Unknown Album/..."
    assert [p.name for p in Path(settings.MEDIA_ROOT, "library").rglob("*.mp3")] == [
        "Digital Love.mp3"
    ]


def test_a_url_is_for_staff_only(member, media):
    track = make_track()
    SavedTrack.objects.create(user=member, track=track, added_at=timezone.now())
    url = "http://127.0.0.1:22/"

    response = client(member).post(
        "/api/downloads/", {"track_ids": [track.pk], "url": url}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "errors": [{"path": "url", "message": "only an admin can give a download URL"}]
    }
    assert not DownloadJob.objects.exists()
    with pytest.raises(CommandError, match="^only an admin can give a download URL: 'member'"):
        call_command("download", "--user", "member", "--track", str(track.pk), "--url", url)
    with pytest.raises(ValueError, match="only an admin can give a download URL"):
        services.queue_tracks(member, [track.pk], url=url)
    assert not DownloadJob.objects.exists()
