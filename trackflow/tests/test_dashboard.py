"""The first page a person sees after signing in."""

import pytest

from spotify_auth.models import ImportJob, SpotifyAccount

pytestmark = pytest.mark.django_db


def test_it_asks_a_new_user_to_connect_spotify(client, owner):
    client.force_login(owner)
    page = client.get("/").content.decode()
    assert 'id="connect-spotify" href="/spotify/login/"' in page
    assert "0 tracks in 0 playlists" in page
    assert "No jobs yet." in page
    assert '<a href="/admin/">TrackFlow</a>' in page  # the admin's own header, not Django's


def test_it_shows_the_connection_and_recent_jobs(client, owner, stranger):
    SpotifyAccount.objects.create(
        user=owner, spotify_user_id="sandbox-user", display_name="DJ Owner"
    )
    ImportJob.objects.create(owner=owner, source="liked", message="page 3 of 7", progress=0.4)
    ImportJob.objects.create(owner=stranger, source="liked", message="not yours")
    client.force_login(owner)
    page = client.get("/").content.decode()
    assert "Connected as <strong>DJ Owner</strong>" in page
    assert "page 3 of 7" in page and "not yours" not in page


def test_it_asks_to_reconnect_when_spotify_revoked_access(client, owner):
    SpotifyAccount.objects.create(
        user=owner, spotify_user_id="x", status="needs_reconnect", status_reason="token revoked"
    )
    client.force_login(owner)
    page = client.get("/").content.decode()
    assert "connect again: token revoked" in page and "Reconnect Spotify" in page


def test_it_sends_anonymous_visitors_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
