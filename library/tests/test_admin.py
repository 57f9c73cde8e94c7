"""The admin: every page renders, changelists cost the same queries at any size, actions work."""

import re

import pytest
from django.urls import reverse

from library.models import (
    Album,
    Artist,
    Playlist,
    PlaylistEntry,
    SavedTrack,
    Track,
    TrackEnrichment,
    TrackTag,
)
from library.services import tags
from library.services.playlists import replace_playlist_entries
from library.tests.factories import (
    AlbumFactory,
    EnrichmentFactory,
    PlaylistFactory,
    SavedTrackFactory,
    TrackFactory,
    TrackTagFactory,
)

pytestmark = pytest.mark.django_db
MODELS = [Track, Artist, Album, Playlist, SavedTrack, TrackTag, TrackEnrichment]


@pytest.fixture
def catalog(admin_user):
    track = TrackFactory(
        title="Around the World",
        artists=["Daft Punk"],
        album=AlbumFactory(name="Homework", release_year=1997),
        isrc="GBDUW9700011",
        audio_file="library/Daft Punk/Homework/around.flac",
    )
    playlist = PlaylistFactory(owner=admin_user, name="Road Trip")
    replace_playlist_entries(playlist, [(track.pk, None)])
    SavedTrackFactory(user=admin_user, track=track)
    TrackTagFactory(owner=admin_user, track=track, name="house")
    EnrichmentFactory(track=track, provider="musicbrainz")
    return track


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_changelist_shows_its_rows(model, admin_client, catalog):
    html = page(admin_client, reverse(f"admin:library_{model._meta.model_name}_changelist"))
    expected = {Artist: "Daft Punk", Album: "Homework", Playlist: "Road Trip", TrackTag: "house"}
    assert expected.get(model, "Around the World") in html
    obj = model.objects.get()
    assert f'name="_selected_action" value="{obj.pk}" class="action-select"' in html


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_change_and_add_page_renders(model, admin_client, catalog):
    obj = model.objects.first()
    info = f"admin:library_{model._meta.model_name}"
    page(admin_client, reverse(f"{info}_change", args=[obj.pk]))
    page(admin_client, reverse(f"{info}_add"))


@pytest.mark.parametrize(
    ("model", "term", "expected"),
    [
        (Track, "daft world", "Around the World"),
        (Track, "homework", "Around the World"),
        (Track, "gbduw9700011", "Around the World"),
        (Artist, "daft", "Daft Punk"),
        (Album, "home", "Homework"),
        (Playlist, "road", "Road Trip"),
        (SavedTrack, "around", "Around the World"),
        (TrackTag, "house", "house"),
        (TrackEnrichment, "around", "Around the World"),
    ],
)
def test_search_finds_what_it_should(model, term, expected, admin_client, catalog):
    url = reverse(f"admin:library_{model._meta.model_name}_changelist")
    assert expected in page(admin_client, f"{url}?q={term}")
    assert "0 results" in page(admin_client, f"{url}?q=zzzznothing")


@pytest.mark.parametrize(
    "query",
    [
        "source__exact=spotify",
        "has_audio=yes",
        "explicit__exact=0",
        "decade=1990",
        "status__exact=new",
    ],
)
def test_each_track_filter_keeps_the_matching_track(query, admin_client, catalog):
    assert "Around the World" in page(
        admin_client, f"{reverse('admin:library_track_changelist')}?{query}"
    )


def test_the_saved_by_filter_lists_users_who_saved_and_filters(admin_client, admin_user, catalog):
    TrackFactory(title="Unsaved Song")
    url = reverse("admin:library_track_changelist")
    html = page(admin_client, f"{url}?saved_by={admin_user.pk}")
    assert "Around the World" in html and "Unsaved Song" not in html
    assert "Unsaved Song" not in page(admin_client, f"{url}?decade=1990")


@pytest.mark.parametrize("rows", [2, 50])
def test_the_track_changelist_costs_the_same_queries_for_any_number_of_rows(
    rows, admin_client, admin_user, django_assert_num_queries
):
    for n in range(rows):
        track = TrackFactory(artists=[f"A{n}", f"B{n}"], album=AlbumFactory(release_year=1990 + n))
        SavedTrackFactory(user=admin_user, track=track)
    admin_client.get(reverse("admin:library_track_changelist"))  # warm the session
    # session, user, decade bounds, users who saved, count, page, artists of the page
    with django_assert_num_queries(7):
        html = page(admin_client, reverse("admin:library_track_changelist"))
    assert html.count('class="field-artist_names"') == rows


@pytest.mark.parametrize("spotify_id", [None, "37i9dQZF1DXcBWIGoYBM5M"], ids=["local", "imported"])
@pytest.mark.parametrize("rows", [3, 30])
def test_a_playlist_page_costs_the_same_queries_for_any_number_of_entries(
    rows, spotify_id, admin_client, admin_user, django_assert_num_queries
):
    playlist = PlaylistFactory(owner=admin_user, spotify_id=spotify_id)
    replace_playlist_entries(playlist, [(t.pk, None) for t in TrackFactory.create_batch(rows)])
    url = reverse("admin:library_playlist_change", args=[playlist.pk])
    admin_client.get(url)
    # session, user, playlist, its owner, entries with their tracks
    with django_assert_num_queries(5):
        html = page(admin_client, url)
    titles = Track.objects.filter(playlist_entries__playlist=playlist).values_list(
        "title", flat=True
    )
    assert all(title in html for title in titles)
    # entries of an imported playlist are Spotify's: shown, not editable
    editable = len(re.findall(r'name="entries-\d+-track"', html))
    assert editable == (rows if spotify_id is None else 0)


def test_spotify_owned_fields_are_read_only_on_spotify_tracks(admin_client, admin_user):
    spotify = TrackFactory()
    upload = TrackFactory(source="upload", spotify_id=None, added_by=admin_user)
    spotify_page = page(admin_client, reverse("admin:library_track_change", args=[spotify.pk]))
    upload_page = page(admin_client, reverse("admin:library_track_change", args=[upload.pk]))
    assert 'name="title"' not in spotify_page and 'name="isrc"' not in spotify_page
    assert 'name="status"' in spotify_page and 'name="lyrics"' in spotify_page
    assert 'name="title"' in upload_page


def run_action(client, action: str, tracks, **extra):
    data = {"action": action, "_selected_action": [t.pk for t in tracks], **extra}
    return client.post(reverse("admin:library_track_changelist"), data, follow=True)


def test_the_status_action_sets_the_chosen_status(admin_client):
    tracks = TrackFactory.create_batch(2)
    response = run_action(admin_client, "set_status", tracks, status="approved")
    assert "2 track(s) set to approved." in response.content.decode()
    assert set(Track.objects.values_list("status", flat=True)) == {"approved"}


def test_the_status_action_asks_for_a_status(admin_client):
    response = run_action(admin_client, "set_status", TrackFactory.create_batch(1))
    assert "Choose a status first." in response.content.decode()


def test_tag_actions_add_and_remove_the_admins_own_tag(admin_client, admin_user):
    tracks = TrackFactory.create_batch(2)
    assert (
        "Tag added to 2 track(s)."
        in run_action(admin_client, "add_tag", tracks, tag="Live").content.decode()
    )
    assert TrackTag.objects.filter(owner=admin_user, name="Live").count() == 2
    run_action(admin_client, "remove_tag", tracks[:1], tag="live")
    assert TrackTag.objects.filter(owner=admin_user).count() == 1
    assert (
        "A tag needs a name."
        in run_action(admin_client, "add_tag", tracks, tag=" ").content.decode()
    )


def test_a_tag_over_the_limit_is_refused_in_words_naming_it(admin_client):
    tracks = TrackFactory.create_batch(2)

    response = run_action(admin_client, "add_tag", tracks, tag="x" * 101)

    assert [str(m) for m in response.context["messages"]] == [
        "A tag name has at most 100 characters."
    ]
    assert not TrackTag.objects.exists()
    assert 'maxlength="100"' in page(admin_client, reverse("admin:library_track_changelist"))


def test_the_download_action_queues_jobs_through_the_downloads_service(admin_client, admin_user):
    from downloads.models import DownloadJob

    tracks = TrackFactory.create_batch(2)
    response = run_action(admin_client, "download_tracks", tracks)
    assert "2 download(s) queued." in response.content.decode()
    assert DownloadJob.objects.filter(owner=admin_user).count() == 2


def test_the_playlist_download_action_queues_its_tracks(admin_client, admin_user):
    from downloads.models import DownloadJob

    playlist = PlaylistFactory(owner=admin_user)
    tracks = TrackFactory.create_batch(3)
    for position, track in enumerate(tracks):
        PlaylistEntry.objects.create(playlist=playlist, track=track, position=position)
    response = admin_client.post(
        reverse("admin:library_playlist_changelist"),
        {"action": "download_playlists", "_selected_action": [playlist.pk]},
        follow=True,
    )
    assert "3 download(s) queued." in response.content.decode()
    assert set(DownloadJob.objects.values_list("track_id", flat=True)) == {t.pk for t in tracks}


def test_the_changelist_tags_are_per_user(admin_client, admin_user, member, catalog):
    tags.add_tag(member, [catalog.pk], "members-only")
    html = page(admin_client, reverse("admin:library_tracktag_changelist"))
    assert "members-only" in html  # the admin sees every user's tags, naming the owner
    assert "member" in html
