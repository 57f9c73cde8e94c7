"""POST /api/tracks/upload/ with real audio files made by the test."""

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from library.models import Track
from trackflow.testing.audio import FORMATS, make_audio

pytestmark = pytest.mark.django_db


def upload(client, data: bytes, name: str = "song.bin"):
    return client.post(
        "/api/tracks/upload/", {"file": SimpleUploadedFile(name, data)}, format="multipart"
    )


def files_under(root) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in Path(root).rglob("*") if p.is_file())


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_format_becomes_a_track_with_its_tags_and_duration(fmt, owner, owner_api, settings):
    data = make_audio(fmt, 1.5, title="Héllo", artist="Ünïcode Artist", album="Tagged Album")
    response = upload(owner_api, data, f"whatever.{fmt}")

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["title"], body["source"], body["has_audio"]) == ("Héllo", "upload", True)
    assert [a["name"] for a in body["artists"]] == ["Ünïcode Artist"]
    assert body["album"]["name"] == "Tagged Album"
    assert abs(body["duration_ms"] - 1500) < 100
    track = Track.objects.get(pk=body["id"])
    assert track.added_by == owner and len(track.audio_sha256) == 64
    assert track.audio_file.name == f"library/Ünïcode Artist/Tagged Album/00 - Héllo.{fmt}"
    assert (Path(settings.MEDIA_ROOT) / track.audio_file.name).read_bytes() == data
    assert files_under(settings.MEDIA_ROOT) == [track.audio_file.name]
    assert owner_api.get(f"/api/tracks/{track.pk}/").status_code == 200


def test_an_untagged_file_is_named_after_the_upload(owner_api):
    response = upload(owner_api, make_audio("wav", 0.5), "My Demo.wav")
    assert response.status_code == 201
    assert (response.json()["title"], response.json()["artists"], response.json()["album"]) == (
        "My Demo",
        [],
        None,
    )


def test_a_file_that_is_not_audio_is_a_400_saying_so(owner_api, settings):
    response = upload(owner_api, b"<html><body>Not Found</body></html>", "song.mp3")
    assert response.status_code == 400
    assert response.json() == {
        "errors": [
            {
                "path": "file",
                "message": "the file is not audio "
                "(expected MP3, FLAC, Ogg Vorbis, Opus, M4A or WAV)",
            }
        ]
    }
    assert files_under(settings.MEDIA_ROOT) == []


@pytest.mark.parametrize(
    ("fmt", "message"),
    [
        ("mp3", "the MP3 file is truncated: it ends in the middle of an audio frame"),
        ("flac", "the FLAC file is truncated: it does not end with its last audio frame"),
        ("ogg", "the Ogg file is truncated: it ends in the middle of a page"),
        ("m4a", "the M4A file is truncated: its last box is cut short"),
        ("wav", "the WAV file is truncated: its 'data' chunk is cut short"),
    ],
)
def test_a_truncated_file_is_a_400_naming_the_problem(fmt, message, owner_api, settings):
    data = make_audio(fmt, 2.0, title="Cut")
    response = upload(owner_api, data[: len(data) * 2 // 3])
    assert response.status_code == 400
    assert response.json()["errors"] == [{"path": "file", "message": message}]
    assert files_under(settings.MEDIA_ROOT) == [] and not Track.objects.exists()


def test_the_same_file_twice_is_a_409_pointing_at_the_first_track(owner_api):
    data = make_audio("flac", 1.0, title="Twice")
    first = upload(owner_api, data).json()
    again = upload(owner_api, data)
    assert again.status_code == 409
    assert again.json() == {"detail": "this file was uploaded before", "id": first["id"]}
    assert Track.objects.count() == 1


def test_a_file_someone_else_uploaded_is_a_409_that_does_not_name_their_track(
    owner_api, member, api
):
    # their track's id (a 404 to the member) would confirm whose library holds the file
    data = make_audio("flac", 1.0, title="Twice")
    first = upload(owner_api, data).json()
    api.force_authenticate(member)

    again = upload(api, data)

    assert (again.status_code, again.json()) == (409, {"detail": "this file was uploaded before"})
    assert api.get(f"/api/tracks/{first['id']}/").status_code == 404
    assert Track.objects.count() == 1


def test_two_files_with_the_same_tags_get_two_names(owner_api, settings):
    one = upload(owner_api, make_audio("mp3", 1.0, title="Same", freq=440)).json()
    two = upload(owner_api, make_audio("mp3", 1.0, title="Same", freq=880)).json()
    names = [Track.objects.get(pk=row["id"]).audio_file.name for row in (one, two)]
    assert names == [
        "library/Unknown Artist/Unknown Album/00 - Same.mp3",
        "library/Unknown Artist/Unknown Album/00 - Same (2).mp3",
    ]


def test_a_file_over_the_limit_is_a_413_and_leaves_nothing(owner_api, settings):
    data = make_audio("wav", 1.0)
    settings.UPLOAD_MAX_BYTES = len(data) - 1  # the body is within the slack: the handler stops it
    response = upload(owner_api, data)
    assert response.status_code == 413
    assert response.json() == {
        "detail": f"the file is larger than the upload limit of {len(data) - 1:,} bytes"
    }
    assert files_under(settings.MEDIA_ROOT) == []


def test_a_body_far_over_the_limit_is_refused_before_it_is_read(owner_api, settings):
    settings.UPLOAD_MAX_BYTES = 1000
    assert upload(owner_api, make_audio("wav", 2.0)).status_code == 413


def test_a_failed_database_write_removes_the_placed_file(owner_api, settings, monkeypatch):
    from library.services import uploads

    placed = []
    real_place, real_filter = uploads.place_file, Track.objects.filter

    def place(*args, **kwargs):
        placed.append(real_place(*args, **kwargs))
        return placed[-1]

    def filter_failing_on_the_file_write(*args, **kwargs):
        if placed:  # the file is in place: now the database refuses
            raise RuntimeError("database went away")
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(uploads, "place_file", place)
    monkeypatch.setattr(Track.objects, "filter", filter_failing_on_the_file_write)
    with pytest.raises(RuntimeError):
        upload(owner_api, make_audio("ogg", 1.0))
    assert len(placed) == 1 and not placed[0].exists()
    assert files_under(settings.MEDIA_ROOT) == []
    monkeypatch.undo()
    assert not Track.objects.exists()


def test_a_request_without_a_file_is_a_400(owner_api):
    response = owner_api.post("/api/tracks/upload/", {}, format="multipart")
    assert response.json() == {"errors": [{"path": "file", "message": "No file was submitted."}]}


def test_uploading_needs_a_login(api):
    assert upload(api, make_audio("wav", 0.2)).status_code in (401, 403)


def test_a_browser_signed_in_by_session_can_upload(owner, settings):
    # a session's CSRF check reads the form before the view runs (the API docs' "Try it
    # out" and the browsable API's form post this way)
    from rest_framework.test import APIClient

    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(owner)
    browser.cookies["csrftoken"] = token = "k" * 32
    data = make_audio("wav", 0.2, title="From the browser")

    response = browser.post(
        "/api/tracks/upload/",
        {"file": SimpleUploadedFile("song.wav", data), "csrfmiddlewaretoken": token},
        format="multipart",
    )

    assert response.status_code == 201, response.content
    assert response.json()["title"] == "From the browser"


def test_the_browsable_upload_page_has_a_file_input(owner, client):
    client.force_login(owner)

    page = client.get("/api/tracks/upload/", HTTP_ACCEPT="text/html").content.decode()

    assert re.search(r'<form action="/api/tracks/upload/" method="POST" enctype="multipart', page)
    assert re.search(r'<input name="file"\s+type="file"', page)


def test_nul_characters_in_a_files_tags_are_dropped(owner_api):
    # some taggers pad with NUL; PostgreSQL cannot store it (the upload was a 500 there)
    data = make_audio("flac", 0.3, title="Nul\x00 Title", artist="Art\x00ist")

    response = upload(owner_api, data, "padded.flac")

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["title"], [a["name"] for a in body["artists"]]) == ("Nul Title", ["Artist"])
