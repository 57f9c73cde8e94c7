"""A track's files in the admin: shown as names, never uploaded there, deleted with the track."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from library.models import Track
from library.tests.factories import TrackFactory

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/library/track/"
FILES = {
    "audio_file": "library/Daft Punk/Homework/around.flac",
    "vocals_file": "stems/around.vocals.wav",
    "instrumental_file": "stems/around.instrumental.wav",
}


def on_disk(name: str) -> Path:
    """Write a small file at MEDIA_ROOT/`name`; its path."""
    path = Path(settings.MEDIA_ROOT, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"audio")
    return path


def media_files() -> list[str]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def change_data(client, track: Track) -> dict:
    """What the change page would post back unchanged: its form and its inlines."""
    page = client.get(reverse("admin:library_track_change", args=[track.pk]))
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        data |= {management.add_prefix(k): v for k, v in management.initial.items()}
        for row in formset.forms:
            data |= {row.add_prefix(name): row[name].value() for name in row.fields}
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def track(admin_user) -> Track:
    return TrackFactory(source="upload", spotify_id=None, added_by=admin_user, **FILES)


def test_the_files_are_shown_as_names_not_inputs_or_links(admin_client, track):
    page = admin_client.get(reverse("admin:library_track_change", args=[track.pk]))
    html = page.content.decode()

    assert 'type="file"' not in html
    assert "Daft Punk/Homework/around.flac" in html and "stems/around.vocals.wav" in html
    assert 'href="/media/' not in html
    assert "POST /api/tracks/upload/ or a download" in html


def test_the_add_page_takes_no_file_either(admin_client):
    html = admin_client.get("/admin/library/track/add/").content.decode()

    assert 'type="file"' not in html


@pytest.mark.parametrize("field", list(FILES))
def test_a_file_posted_to_the_change_page_is_neither_saved_nor_written(field, admin_client, track):
    data = change_data(admin_client, track)
    data |= {
        "lyrics": "edited",
        field: SimpleUploadedFile("evil.html", b"<script>alert(1)</script>"),
    }

    response = admin_client.post(reverse("admin:library_track_change", args=[track.pk]), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    track.refresh_from_db()
    assert track.lyrics == "edited"  # the rest of the form was saved
    assert {name: getattr(track, name).name for name in FILES} == FILES
    assert media_files() == []


def test_deleting_a_track_on_its_page_deletes_its_files(
    admin_client, track, django_capture_on_commit_callbacks
):
    paths = [on_disk(name) for name in FILES.values()]

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:library_track_delete", args=[track.pk]), {"post": "yes"}
        )

    assert response.status_code == 302
    assert not Track.objects.exists()
    assert not [path for path in paths if path.exists()]


def test_deleting_selected_tracks_deletes_their_files(
    admin_client, track, django_capture_on_commit_callbacks
):
    other = TrackFactory(audio_file="library/other.mp3")
    kept = TrackFactory(audio_file="library/kept.mp3")
    paths = [on_disk(name) for name in [*FILES.values(), "library/other.mp3"]]
    kept_path = on_disk("library/kept.mp3")
    data = {"action": "delete_selected", "_selected_action": [track.pk, other.pk], "post": "yes"}

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(CHANGELIST, data)

    assert response.status_code == 302
    assert list(Track.objects.all()) == [kept]
    assert not [path for path in paths if path.exists()]
    assert kept_path.exists()


def test_a_file_another_track_still_names_stays(
    admin_client, track, django_capture_on_commit_callbacks
):
    twin = TrackFactory(audio_file=FILES["audio_file"])
    shared, stem = on_disk(FILES["audio_file"]), on_disk(FILES["vocals_file"])

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("admin:library_track_delete", args=[track.pk]), {"post": "yes"})
    assert shared.exists() and not stem.exists()

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("admin:library_track_delete", args=[twin.pk]), {"post": "yes"})
    assert not shared.exists()
