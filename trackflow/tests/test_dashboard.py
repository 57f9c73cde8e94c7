"""The first page a person sees after signing in."""

from datetime import timedelta

import pytest
from django.utils import timezone

from spotify_auth.models import ImportJob, SpotifyAccount

pytestmark = pytest.mark.django_db


def test_it_asks_a_new_user_to_connect_spotify(client, owner):
    client.force_login(owner)
    page = client.get("/").content.decode()
    assert 'id="connect-spotify" href="/spotify/login/"' in page
    assert "0 tracks in 0 playlists" in page
    assert "No jobs yet." in page
    assert '<a href="/">TrackFlow</a>' in page  # its own header, not the admin's or Django's
    assert page.count("<h1>") == 1


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
    assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=/"


def test_it_links_the_admin_for_staff_only(client, owner, staff):
    client.force_login(owner)
    members_page = client.get("/").content.decode()
    client.force_login(staff)
    staff_page = client.get("/").content.decode()

    assert 'href="/admin/"' not in members_page and 'id="nav-sidebar"' not in members_page
    assert 'href="/admin/"' in staff_page and "Curate it in the admin" in staff_page
    assert '<form id="logout-form" method="post" action="/accounts/logout/">' in members_page


def test_waiting_and_running_jobs_come_before_newer_finished_ones(client, owner):
    long_ago = timezone.now() - timedelta(hours=2)
    ImportJob.objects.create(
        owner=owner, source="liked", message="rate-limited: waiting until 06:32"
    )
    ImportJob.objects.filter(source="liked").update(created_at=long_ago)
    for n in range(12):
        ImportJob.objects.create(
            owner=owner, source=f"playlist:p{n}", status="completed", message=f"done {n:02d}"
        )
    client.force_login(owner)

    page = client.get("/").content.decode()

    assert page.index("waiting until 06:32") < page.index("done 11")
    assert "done 02" in page and "done 01" not in page  # then the 10 newest finished
