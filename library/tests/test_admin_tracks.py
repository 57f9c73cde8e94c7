"""Making and reading tracks in the admin: ids, source and identities as the API has them."""

import re

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from library.models import Album, Artist, Track
from library.services.playlists import replace_playlist_entries
from library.tests.factories import PlaylistFactory, TrackFactory

pytestmark = pytest.mark.django_db
ADD = "/admin/library/track/add/"


def add_track(client, artists=(), **fields):
    """POST the admin's add form: `fields` over the defaults, `artists` (ids) in order."""
    data = {"title": "", "disc_number": "1", "status": "new", "source": "", **fields}
    for prefix, rows in (("track_artists", artists), ("enrichments", ())):
        data |= {f"{prefix}-TOTAL_FORMS": len(rows), f"{prefix}-INITIAL_FORMS": 0}
    for n, artist_id in enumerate(artists):
        data |= {f"track_artists-{n}-artist": artist_id, f"track_artists-{n}-position": n}
    return client.post(ADD, data)


def errors(response) -> dict:
    assert response.status_code == 200, "the form was saved"
    form = response.context["adminform"].form
    inline = [f.formset.non_form_errors() for f in response.context["inline_admin_formsets"]]
    return {**form.errors, "inlines": [str(e) for errs in inline for e in errs]}


@pytest.mark.parametrize(
    ("field", "pasted", "saved", "source"),
    [
        (
            "spotify_id",
            "https://open.spotify.com/track/7uLU6hMCjMI75M1A2tKUQC?si=abc",
            "7uLU6hMCjMI75M1A2tKUQC",
            "spotify",
        ),  # noqa: E501
        ("spotify_id", "spotify:track:7uLU6hMCjMI75M1A2tKUQC", "7uLU6hMCjMI75M1A2tKUQC", "spotify"),
        (
            "youtube_id",
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42",
            "dQw4w9WgXcQ",
            "youtube",
        ),  # noqa: E501
        ("youtube_id", "https://youtu.be/dQw4w9WgXcQ", "dQw4w9WgXcQ", "youtube"),
    ],
)
def test_a_pasted_link_is_saved_as_the_bare_id(admin_client, field, pasted, saved, source):
    response = add_track(admin_client, title="Linked", source=source, **{field: pasted})

    assert response.status_code == 302, errors(response)
    track = Track.objects.get()
    assert (getattr(track, field), track.source) == (saved, source)


def test_what_is_not_an_id_is_refused_on_its_field(admin_client):
    response = add_track(admin_client, title="Odd", spotify_id="open.spotify.com/album/xyz")

    assert errors(response)["spotify_id"] == ["not a Spotify track id, URI or link"]
    assert not Track.objects.exists()


def test_the_source_follows_from_the_ids_unless_chosen(admin_client):
    page = admin_client.get(ADD).content.decode()
    add_track(admin_client, title="Just a title")
    add_track(admin_client, title="Video", youtube_id="https://youtu.be/dQw4w9WgXcQ")

    assert re.search(r'<option value="" selected>automatic: Spotify with a Spotify id', page)
    assert dict(Track.objects.values_list("title", "source")) == {
        "Just a title": "local",
        "Video": "youtube",
    }


def test_a_spotify_track_without_its_id_is_refused_in_words(admin_client):
    response = add_track(admin_client, title="Nameless", source="spotify")

    assert errors(response)["spotify_id"] == ["a Spotify track needs its Spotify id"]
    assert "Constraint" not in response.content.decode()
    assert not Track.objects.exists()


@pytest.mark.parametrize(
    ("field", "pasted", "words"),
    [
        ("spotify_id", "spotify:track:7uLU6hMCjMI75M1A2tKUQC", "a track with this Spotify id"),
        ("youtube_id", "https://youtu.be/dQw4w9WgXcQ", "a track with this YouTube id"),
    ],
)
def test_an_id_in_the_catalog_is_refused_once_with_the_apis_words_and_a_link(
    field, pasted, words, admin_client
):
    existing = TrackFactory(title="First", **{field: pasted.rpartition("/")[2].split(":")[-1]})

    response = add_track(admin_client, title="Again", **{field: pasted})

    link = f'<a href="/admin/library/track/{existing.pk}/change/">First</a>'
    assert errors(response)[field] == [f"{words} already exists: {link}"]
    assert response.content.decode().count(words) == 1


def test_the_same_local_file_is_refused_in_the_admin_and_the_api_alike(admin_client, admin_user):
    api = APIClient()
    api.force_authenticate(admin_user)
    body = {"title": "Demo", "artists": ["Me"], "album": "Tapes", "duration_ms": 1000}
    first = api.post("/api/tracks/", body, format="json").json()
    me, tapes = Artist.objects.get(name="Me"), Album.objects.get(name="Tapes")
    fields = {"title": "demo", "album": tapes.pk, "duration_ms": "1000"}

    twin = add_track(admin_client, artists=[me.pk], **fields)
    other = add_track(admin_client, artists=[me.pk], **{**fields, "duration_ms": "2000"})
    again = api.post("/api/tracks/", {**body, "duration_ms": 2000}, format="json")

    message = "a local file with this artist, album, title and duration already exists"
    link = f'<a href="/admin/library/track/{first["id"]}/change/">Demo</a>'
    assert errors(twin)["__all__"] == [f"{message}: {link}"]
    page = twin.content.decode()
    assert page.count(message) == 1
    assert page.index(link) < page.index('id="id_title"')  # said at the top, beside the note
    assert other.status_code == 302, errors(other)
    added = Track.objects.get(duration_ms=2000)
    assert (added.source, list(added.artists.all())) == ("local", [me])
    assert again.status_code == 409 and again.json()["id"] == added.pk


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("popularity", "500", "Ensure this value is less than or equal to 100."),
        ("popularity", "-1", "Ensure this value is greater than or equal to 0."),
        ("disc_number", "0", "Ensure this value is greater than or equal to 1."),
    ],
)
def test_numbers_out_of_the_apis_bounds_are_refused_on_their_field(
    field, value, message, admin_client
):
    response = add_track(admin_client, title="Loud", **{field: value})

    assert errors(response)[field] == [message]
    assert "Constraint" not in response.content.decode()
    assert not Track.objects.exists()


def test_a_spotify_tracks_own_fields_come_before_its_bookkeeping(admin_client):
    track = TrackFactory(artists=["Daft Punk", "Pharrell"])

    page = admin_client.get(reverse("admin:library_track_change", args=[track.pk])).content
    page = page.decode()

    assert page.index("field-title") < page.index("field-album") < page.index("field-status")
    assert page.index("field-status") < page.index("field-created_at")
    assert page.index("field-updated_at") < page.index("Daft Punk (1st artist)")
    assert "Pharrell (2nd artist)" in page


def test_playlist_entries_are_named_in_words(admin_client, admin_user):
    playlist = PlaylistFactory(owner=admin_user, name="Road Trip", spotify_id=None)
    replace_playlist_entries(playlist, [(t.pk, None) for t in TrackFactory.create_batch(3)])

    page = admin_client.get(reverse("admin:library_playlist_change", args=[playlist.pk]))
    page = page.content.decode()

    assert re.search(r'class="inline-heading">\s*Playlist entries\s*</h2>', page)
    assert "entrys" not in page.lower()
    assert "#3 in Road Trip" in page
