"""`download`, `downloads_retry_failed` and `downloads_recover` as a user runs them."""

import io
import os
import time
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_q.models import Schedule

from downloads.models import DownloadJob
from downloads.tests.factories import make_job, make_playlist, make_track
from library.models import SavedTrack
from trackflow.api.filters import MAX_ID
from trackflow.jobs.models import JobStatus
from trackflow.testing.audio import make_audio

TOO_BIG = str(MAX_ID + 1)


def liked(user, *tracks):
    """`tracks` in `user`'s library (Liked Songs): a member downloads only their own."""
    for track in tracks:
        SavedTrack.objects.create(user=user, track=track, added_at=timezone.now())
    return tracks


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_download_queues_the_tracks_of_a_user(owner):
    one, two = liked(owner, make_track(), make_track())
    make_job(owner, two)

    out, _ = run("download", "--user", "owner", "--track", str(one.pk), str(two.pk))

    assert out == (
        "queued 1 download(s); 1 already queued, downloaded or uploaded "
        "(--force to download finished ones again)\n"
    )
    assert DownloadJob.objects.filter(owner=owner, track=one, status="pending").exists()


@pytest.mark.django_db
def test_download_takes_a_url_and_a_backend_for_one_track(staff):
    one, two = make_track(), make_track()

    out, _ = run(
        "download",
        "--user",
        "staff",
        "--track",
        str(one.pk),
        "--backend",
        "ytdlp",
        "--url",
        "https://example.org/watch?v=1",
    )

    job = DownloadJob.objects.get(track=one)
    assert (job.backend, job.url) == ("ytdlp", "https://example.org/watch?v=1")
    with pytest.raises(CommandError, match="--url goes with exactly one --track"):
        run(
            "download",
            "--user",
            "staff",
            "--track",
            str(one.pk),
            str(two.pk),
            "--url",
            "http://x.test/",
        )


@pytest.mark.django_db
def test_download_queues_a_playlist(owner):
    playlist = make_playlist(owner, [make_track(), make_track()])

    out, _ = run("download", "--user", "owner", "--playlist", str(playlist.pk))

    assert out == "queued 2 download(s)\n"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--user", "nobody", "--track", "1"],
            "no user 'nobody': check the name, or create the user",
        ),
        (["--user", "owner", "--track", "999999"], "no track with id 999999 in owner's library"),
        # a track outside the member's library: as the API says (staff: any track)
        (["--user", "owner", "--track", "TRACK"], "no track with id \\d+ in owner's library$"),
        (["--user", "owner", "--playlist", "999999"], "no playlist 999999 of yours"),
        (["--user", "owner"], "one of the arguments --track --playlist --rule is required"),
        (["--user", "owner", "--track", "1", "--playlist", "2"], "not allowed with argument"),
        (["--user", "owner", "--track", "1", "--backend", "ftp"], "invalid choice: 'ftp'"),
        (["--user", "staff", "--track", "TRACK", "--url", "/etc/passwd"], "--url must be an http"),
        # past the largest id a database stores: not found, not an OverflowError
        (
            ["--user", "owner", "--track", "TRACK", TOO_BIG],
            f"no track with id \\d+, {TOO_BIG} in owner's library$",
        ),
        (["--user", "owner", "--playlist", TOO_BIG], f"no playlist {TOO_BIG} of yours"),
        (["--user", "owner", "--rule", TOO_BIG], f"no rule set {TOO_BIG} of yours"),
        (["--user", "owner", "--rule", "-" + TOO_BIG + "0"], f"no rule set -{TOO_BIG}0 of yours"),
    ],
)
def test_download_refuses_bad_input_in_one_line(owner, staff, args, message):
    track = make_track()
    args = [str(track.pk) if arg == "TRACK" else arg for arg in args]
    with pytest.raises(CommandError, match=message) as error:
        run("download", *args)
    assert "\n" not in str(error.value)
    assert not DownloadJob.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_download_wait_shows_progress_and_fails_when_a_download_fails(owner, media):
    good, gone = liked(owner, make_track(title="Good Song"), make_track(title="Gone Song"))
    media.add(f"/audio/{good.spotify_id}", make_audio("mp3", 0.5))

    with pytest.raises(CommandError) as error:
        run("download", "--user", "owner", "--track", str(good.pk), str(gone.pk), "--wait")

    url = f"{media.base_url}/audio/{gone.spotify_id}"
    assert str(error.value) == (
        f"1 of 2 download(s) did not complete; 'Gone Song': HTTP 404 from {url}"
    )
    assert DownloadJob.objects.get(track=good).status == JobStatus.COMPLETED


@pytest.mark.django_db(transaction=True)
def test_download_wait_succeeds_with_a_bar_per_job(owner, media):
    tracks = liked(owner, *[make_track(title=f"Song {n}") for n in range(2)])
    for track in tracks:
        media.add(f"/audio/{track.spotify_id}", make_audio("mp3", 0.5))

    out, err = run("download", "--user", "owner", "--track", *[str(t.pk) for t in tracks], "--wait")

    assert out == "queued 2 download(s)\ndownloaded 2 track(s)\n"
    assert "downloads: 100%" in err and "Song 0: 100%" in err and "Song 1: 100%" in err


@pytest.mark.django_db
def test_retry_failed_requeues_failed_downloads(owner, member):
    for user in (owner, owner, member):
        make_job(user, make_track(), status=JobStatus.FAILED)

    assert (
        run("downloads_retry_failed", "--user", "owner")[0] == "queued 2 failed download(s) again\n"
    )
    assert run("downloads_retry_failed")[0] == "queued 1 failed download(s) again\n"
    assert not DownloadJob.objects.filter(status=JobStatus.FAILED).exists()


@pytest.mark.django_db
def test_recover_requeues_dead_workers_jobs_and_removes_their_partial_files(owner, settings):
    long_ago = timezone.now() - timedelta(minutes=10)
    dead = make_job(
        owner, make_track(), status=JobStatus.RUNNING, attempts=1, heartbeat_at=long_ago
    )
    alive = make_job(
        owner, make_track(), status=JobStatus.RUNNING, attempts=1, heartbeat_at=timezone.now()
    )
    staging = settings.MEDIA_ROOT / "library" / ".incoming"
    (staging / str(dead.pk)).mkdir(parents=True)
    (staging / str(alive.pk)).mkdir()
    stale = staging / str(dead.pk) / ".tf-http-abc.part"
    fresh = staging / str(alive.pk) / ".tf-http-def.part"
    stale.write_bytes(b"half")
    fresh.write_bytes(b"half")
    old = time.time() - 600
    os.utime(stale, (old, old))

    out, _ = run("downloads_recover", "--older-than", "60")

    assert out == "recovered 1 stalled download(s), removed 1 partial file(s)\n"
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert (dead.status, dead.message) == (JobStatus.PENDING, "the worker stopped; queued again")
    assert alive.status == JobStatus.RUNNING
    assert not stale.exists() and fresh.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("age", ["-1", "nan", "inf", "1e300"])
def test_recover_refuses_an_age_that_is_not_a_span_of_time(age):
    with pytest.raises(CommandError, match=r"--older-than must be 0 to 31,536,000 seconds"):
        run("downloads_recover", "--older-than", age)


@pytest.mark.django_db
def test_recovery_is_scheduled_after_migrate(settings):
    schedule = Schedule.objects.get(name="downloads: recover")

    assert (schedule.func, schedule.schedule_type) == ("downloads.tasks.recover", Schedule.MINUTES)
    assert (schedule.minutes, schedule.repeats) == (settings.DOWNLOAD_RECOVER_MINUTES, -1)
