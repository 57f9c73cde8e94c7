"""Long playlists in the admin: the playlist's page links to its entries instead of listing
thousands inline, and the entries' list is a page at a time, in playlist order."""

import re

import pytest
from django.urls import reverse

from library.models import Playlist, PlaylistEntry, Track
from library.tests.factories import PlaylistFactory

pytestmark = pytest.mark.django_db
ENTRIES = "/admin/library/playlistentry/"
INLINE_MAX = 200  # library.admin.playlists.INLINE_MAX


def fill(playlist: Playlist, count: int) -> list[Track]:
    """`count` new tracks, entered in order ("Song 0000" first)."""
    Track.objects.bulk_create(
        Track(title=f"Song {n:04d}", spotify_id=f"{playlist.pk}-{n}") for n in range(count)
    )
    tracks = list(Track.objects.filter(spotify_id__startswith=f"{playlist.pk}-").order_by("title"))
    PlaylistEntry.objects.bulk_create(
        PlaylistEntry(playlist=playlist, track=track, position=n) for n, track in enumerate(tracks)
    )
    return tracks


@pytest.mark.parametrize("spotify_id", [None, "37i9dQZF1DXcBWIGoYBM5M"], ids=["local", "imported"])
def test_a_long_playlists_page_links_to_its_entries(
    spotify_id, admin_client, admin_user, django_assert_max_num_queries
):
    playlist = PlaylistFactory(owner=admin_user, spotify_id=spotify_id)
    fill(playlist, 3000)
    url = reverse("admin:library_playlist_change", args=[playlist.pk])
    admin_client.get(url)

    # session, user, the playlist with its count, its owner
    with django_assert_max_num_queries(5):
        response = admin_client.get(url)

    page = response.content.decode()
    assert response.status_code == 200
    assert len(page) < 100_000  # 3,000 inline rows were 8.7 MB
    assert "Song 0000" not in page and 'name="entries-TOTAL_FORMS"' not in page
    assert "3,000 (too many to list here)" in page
    assert f'href="{ENTRIES}?playlist__id__exact={playlist.pk}"' in page


def test_a_playlist_up_to_the_limit_keeps_its_entries_inline(admin_client, admin_user):
    playlist = PlaylistFactory(owner=admin_user, spotify_id=None)
    fill(playlist, INLINE_MAX)

    page = admin_client.get(reverse("admin:library_playlist_change", args=[playlist.pk]))
    page = page.content.decode()

    assert len(re.findall(r'name="entries-\d+-track"', page)) == INLINE_MAX
    assert f"{INLINE_MAX} (listed below)" in page


def test_a_long_playlist_still_saves(admin_client, admin_user):
    playlist = PlaylistFactory(owner=admin_user, spotify_id=None, name="Long")
    fill(playlist, INLINE_MAX + 1)
    url = reverse("admin:library_playlist_change", args=[playlist.pk])

    response = admin_client.post(url, {"owner": admin_user.pk, "name": "Longer", "readable": "on"})

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Playlist.objects.get().name == "Longer"
    assert PlaylistEntry.objects.count() == INLINE_MAX + 1


@pytest.mark.parametrize("count", [2, 200])
def test_the_entries_list_is_in_playlist_order_at_the_same_cost(
    count, admin_client, admin_user, django_assert_num_queries
):
    playlist = PlaylistFactory(owner=admin_user, name="Road Trip")
    fill(PlaylistFactory(owner=admin_user), 3)  # another playlist's entries stay out
    tracks = fill(playlist, count)
    url = f"{ENTRIES}?playlist__id__exact={playlist.pk}"
    admin_client.get(url)

    # session, user, count, the page with each entry's track and playlist
    with django_assert_num_queries(4):
        page = admin_client.get(url).content.decode()

    shown = re.findall(r"Song \d{4}", page)
    assert shown == [track.title for track in tracks[:100]]
    assert f"{count} entries" in page or f"{count} playlist entries" in page


def test_an_imported_playlists_entry_is_shown_not_edited(admin_client, admin_user):
    imported = PlaylistFactory(owner=admin_user)
    local = PlaylistFactory(owner=admin_user, spotify_id=None)
    [spotify_entry, own_entry] = [fill(p, 1) and p.entries.get() for p in (imported, local)]

    shown = admin_client.get(reverse("admin:library_playlistentry_change", args=[spotify_entry.pk]))
    edited = admin_client.get(reverse("admin:library_playlistentry_change", args=[own_entry.pk]))
    deleted = admin_client.post(
        reverse("admin:library_playlistentry_delete", args=[spotify_entry.pk]), {"post": "yes"}
    )

    assert 'name="track"' not in shown.content.decode()
    assert 'name="track"' in edited.content.decode()
    assert deleted.status_code == 403
    assert PlaylistEntry.objects.filter(pk=spotify_entry.pk).exists()
    assert admin_client.get(f"{ENTRIES}add/").status_code == 403
