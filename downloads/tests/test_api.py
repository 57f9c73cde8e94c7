"""/api/downloads/: queue, list, watch, cancel and retry downloads, each user seeing their own."""

import pytest
from django.utils import timezone

from downloads.models import DownloadJob
from downloads.tests.factories import AlbumFactory, make_job, make_playlist, make_track
from library.models import SavedTrack
from trackflow.jobs.models import JobStatus

pytestmark = pytest.mark.django_db


def saved(user, *tracks):
    """Tracks in `user`'s library (a download names tracks of the caller's library)."""
    now = timezone.now()
    SavedTrack.objects.bulk_create(SavedTrack(user=user, track=t, added_at=now) for t in tracks)
    return tracks[0] if len(tracks) == 1 else tracks


def test_queueing_tracks_answers_201_with_the_jobs_and_the_skipped(owner, owner_api):
    album = AlbumFactory(name="Discovery")
    one = saved(owner, make_track(("Daft Punk", "Romanthony"), title="One More Time", album=album))
    two, done = saved(owner, make_track(), make_track())
    make_job(owner, done)  # already queued

    response = owner_api.post(
        "/api/downloads/", {"track_ids": [one.pk, done.pk, two.pk]}, format="json"
    )

    assert response.status_code == 201
    body = response.json()
    assert body["skipped"] == [done.pk]
    assert [job["track"]["id"] for job in body["jobs"]] == [one.pk, two.pk]
    first = body["jobs"][0]
    assert first["track"] == {
        "id": one.pk,
        "title": "One More Time",
        "artists": [
            {"id": one.track_artists.all()[0].artist_id, "name": "Daft Punk"},
            {"id": one.track_artists.all()[1].artist_id, "name": "Romanthony"},
        ],
        "album": {"id": album.pk, "name": "Discovery"},
        "duration_ms": 30_000,
        "has_audio": False,
    }
    assert {key: first[key] for key in ("status", "progress", "error", "attempts", "file")} == {
        "status": "pending",
        "progress": 0.0,
        "error": "",
        "attempts": 0,
        "file": "",
    }
    assert first["next_attempt_at"] and first["created_at"] and first["finished_at"] is None
    job = DownloadJob.objects.get(pk=first["id"])
    assert job.owner == owner


def test_queueing_only_what_is_already_queued_answers_200(owner, owner_api):
    track = saved(owner, make_track())
    make_job(owner, track)

    response = owner_api.post("/api/downloads/", {"track_ids": [track.pk]}, format="json")

    assert response.status_code == 200
    assert response.json() == {"jobs": [], "skipped": [track.pk]}


def test_force_downloads_a_finished_track_again(owner, owner_api, settings):
    track = saved(owner, make_track())
    make_job(owner, track, status=JobStatus.COMPLETED, file="library/x.mp3")
    (settings.MEDIA_ROOT / "library").mkdir(parents=True)
    (settings.MEDIA_ROOT / "library/x.mp3").write_bytes(b"audio")

    again = owner_api.post("/api/downloads/", {"track_ids": [track.pk]}, format="json")
    forced = owner_api.post(
        "/api/downloads/", {"track_ids": [track.pk], "force": True}, format="json"
    )

    assert again.status_code == 200 and again.json()["skipped"] == [track.pk]
    assert forced.status_code == 201 and len(forced.json()["jobs"]) == 1


def test_a_playlist_is_queued_in_order(owner, owner_api):
    one, two = make_track(), make_track()
    playlist = make_playlist(owner, [two, one, two])

    response = owner_api.post("/api/downloads/", {"playlist_id": playlist.pk}, format="json")

    assert response.status_code == 201
    assert [job["track"]["id"] for job in response.json()["jobs"]] == [two.pk, one.pk]


@pytest.mark.parametrize(
    ("body", "path", "message"),
    [
        ({}, "", "give one of track_ids, playlist_id or rule_id"),
        ({"track_ids": []}, "", "give one of track_ids, playlist_id or rule_id"),
        ({"playlist_id": 1, "rule_id": 1}, "", "give one of track_ids, playlist_id or rule_id"),
        ({"track_ids": "1"}, "track_ids", 'Expected a list of items but got type "str".'),
        ({"playlist_id": 0}, "playlist_id", "Ensure this value is greater than or equal to 1."),
    ],
)
def test_bad_input_is_a_400_naming_the_field(owner_api, body, path, message):
    response = owner_api.post("/api/downloads/", body, format="json")

    assert response.status_code == 400
    assert response.json() == {"errors": [{"path": path, "message": message}]}


def test_unknown_track_ids_are_named_by_position(owner, owner_api):
    track = saved(owner, make_track())

    response = owner_api.post(
        "/api/downloads/", {"track_ids": [track.pk, 999_998, 999_999]}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "errors": [
            {"path": "track_ids[1]", "message": "no track with id 999998 in your library"},
            {"path": "track_ids[2]", "message": "no track with id 999999 in your library"},
        ]
    }
    assert not DownloadJob.objects.exists()


def test_someone_elses_playlist_is_a_400_without_jobs(owner, stranger_api):
    playlist = make_playlist(owner, [make_track()])

    response = stranger_api.post("/api/downloads/", {"playlist_id": playlist.pk}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "errors": [{"path": "playlist_id", "message": f"no playlist {playlist.pk} of yours"}]
    }
    assert not DownloadJob.objects.exists()


@pytest.mark.parametrize("extra", [{}, {"force": True}])
def test_someone_elses_track_cannot_be_downloaded(owner, stranger, stranger_api, extra):
    # a download sets the track's file, shared by every owner: others' tracks are off limits
    track = saved(owner, make_track(title="Private demo"))

    response = stranger_api.post(
        "/api/downloads/", {"track_ids": [track.pk], **extra}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "errors": [
            {"path": "track_ids[0]", "message": f"no track with id {track.pk} in your library"}
        ]
    }
    assert "Private demo" not in response.content.decode()
    assert not DownloadJob.objects.exists()


def test_staff_may_download_any_track(owner, staff, api):
    track = saved(owner, make_track())
    api.force_authenticate(staff)

    response = api.post("/api/downloads/", {"track_ids": [track.pk]}, format="json")

    assert response.status_code == 201
    assert DownloadJob.objects.get().owner == staff


@pytest.mark.parametrize("rows", [2, 200])
def test_the_list_is_newest_first_in_constant_queries(
    owner, member, owner_api, django_assert_num_queries, rows
):
    tracks = [make_track(("A", "B")) for _ in range(rows)]
    jobs = [make_job(owner, track) for track in tracks]
    make_job(member, make_track())

    # COUNT, the page of jobs with track and album, the tracks' artists
    with django_assert_num_queries(3):
        response = owner_api.get("/api/downloads/", {"page_size": 500})

    body = response.json()
    assert body["count"] == rows
    assert [job["id"] for job in body["results"]] == [str(job.pk) for job in reversed(jobs)]
    assert all(len(job["track"]["artists"]) == 2 for job in body["results"])


def test_the_list_filters_by_status(owner, owner_api):
    failed = make_job(owner, make_track(), status=JobStatus.FAILED, error="HTTP 404 from x")
    make_job(owner, make_track())

    response = owner_api.get("/api/downloads/", {"status": "failed"})

    assert [job["id"] for job in response.json()["results"]] == [str(failed.pk)]
    assert response.json()["results"][0]["error"] == "HTTP 404 from x"
    bad = owner_api.get("/api/downloads/", {"status": "lost"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["path"] == "status"


def test_a_job_is_shown_to_its_owner_only(owner, owner_api, stranger_api):
    job = make_job(owner, make_track(), status=JobStatus.RUNNING, progress=0.25, attempts=1)

    mine = owner_api.get(f"/api/downloads/{job.pk}/")
    theirs = stranger_api.get(f"/api/downloads/{job.pk}/")

    assert mine.status_code == 200
    assert (mine.json()["status"], mine.json()["progress"]) == ("running", 0.25)
    assert theirs.status_code == 404
    assert stranger_api.get("/api/downloads/").json()["count"] == 0
    assert stranger_api.post(f"/api/downloads/{job.pk}/cancel/").status_code == 404
    assert stranger_api.post(f"/api/downloads/{job.pk}/retry/").status_code == 404
    assert owner_api.get("/api/downloads/not-a-uuid/").status_code == 404


def test_staff_see_every_users_downloads_when_asked(owner, staff, api):
    make_job(owner, make_track())
    api.force_authenticate(staff)

    assert api.get("/api/downloads/").json()["count"] == 0
    assert api.get("/api/downloads/", {"scope": "all"}).json()["count"] == 1


def test_cancel_stops_a_pending_job_and_refuses_a_finished_one(owner, owner_api):
    job = make_job(owner, make_track())

    response = owner_api.post(f"/api/downloads/{job.pk}/cancel/")
    again = owner_api.post(f"/api/downloads/{job.pk}/cancel/")

    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert again.status_code == 409
    assert again.json() == {"detail": "a cancelled download cannot be cancelled"}


def test_retry_queues_a_failed_job_with_fresh_attempts(owner, owner_api):
    job = make_job(owner, make_track(), status=JobStatus.FAILED, attempts=5, error="HTTP 503")

    response = owner_api.post(f"/api/downloads/{job.pk}/retry/")

    assert response.status_code == 202
    body = response.json()
    assert (body["status"], body["attempts"], body["error"]) == ("pending", 0, "")


def test_retry_refuses_while_another_job_downloads_the_track(owner, member, owner_api):
    track = make_track()
    failed = make_job(owner, track, status=JobStatus.FAILED)
    make_job(member, track, status=JobStatus.RUNNING)

    response = owner_api.post(f"/api/downloads/{failed.pk}/retry/")

    assert response.status_code == 409
    assert response.json() == {"detail": "another job is downloading this track now"}
    assert DownloadJob.objects.get(pk=failed.pk).status == JobStatus.FAILED


def test_retry_failed_retries_all_of_the_users_failed_jobs(owner, member, owner_api):
    mine = [make_job(owner, make_track(), status=JobStatus.FAILED) for _ in range(2)]
    theirs = make_job(member, make_track(), status=JobStatus.FAILED)
    make_job(owner, make_track(), status=JobStatus.COMPLETED)

    response = owner_api.post("/api/downloads/retry-failed/")

    assert (response.status_code, response.json()) == (202, {"retried": 2})
    assert {DownloadJob.objects.get(pk=job.pk).status for job in mine} == {"pending"}
    assert DownloadJob.objects.get(pk=theirs.pk).status == "failed"


def test_anonymous_users_are_refused(api):
    assert api.get("/api/downloads/").status_code in (401, 403)


def test_staff_can_fetch_a_track_from_a_given_url(owner, staff, api, media):
    from downloads.tasks import run_download
    from trackflow.testing.audio import make_audio

    track = saved(owner, make_track())
    url = media.add("/elsewhere/song.mp3", make_audio("mp3", 0.5))
    api.force_authenticate(staff)

    response = api.post(
        "/api/downloads/", {"track_ids": [track.pk], "url": url, "backend": "http"}, format="json"
    )
    [job] = response.json()["jobs"]
    run_download(job["id"])

    assert (response.status_code, job["url"], job["backend"]) == (201, url, "http")
    body = api.get(f"/api/downloads/{job['id']}/").json()
    assert (body["status"], body["source_url"]) == ("completed", url)
    assert body["file"].startswith("library/") and media.hits == {"/elsewhere/song.mp3": 1}


@pytest.mark.parametrize(
    ("extra", "path", "message"),
    [
        (
            {"url": "http://x.test/a.mp3"},
            "url",
            "a url goes with exactly one track id in track_ids",
        ),
        ({"url": "file:///etc/passwd"}, "url", "Enter a valid URL."),
        ({"backend": "ftp"}, "backend", '"ftp" is not a valid choice.'),
    ],
)
def test_url_and_backend_are_checked(staff, api, extra, path, message):
    one, two = make_track(), make_track()
    api.force_authenticate(staff)  # only staff may give a url at all

    response = api.post("/api/downloads/", {"track_ids": [one.pk, two.pk], **extra}, format="json")

    assert response.status_code == 400
    assert response.json() == {"errors": [{"path": path, "message": message}]}
