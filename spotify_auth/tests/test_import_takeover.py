"""A Spotify track made by hand before anyone imported it becomes the catalog's on import."""

from datetime import timedelta

import pytest
from django.utils import timezone

from library.models import SavedTrack, Track
from library.tests.factories import TrackFactory

pytestmark = pytest.mark.django_db
USER = "sandbox-user"


def test_an_import_takes_over_a_track_a_member_claimed_by_id(
    account, sandbox, import_now, member, api
):
    # made before members were refused Spotify ids, and untouched since: the member can no
    # longer edit it, so nothing keeps it fresh past the import's 24 hours
    liked = sandbox.state.liked_ids(USER)[5]
    claimed = TrackFactory(
        spotify_id=liked, title="claimed", artists=["Evil"], added_by=member, status="rejected"
    )
    Track.objects.filter(pk=claimed.pk).update(updated_at=timezone.now() - timedelta(days=2))

    [job] = import_now(account.user, ["liked"])

    assert job.status == "completed", job.error
    track = Track.objects.get(pk=claimed.pk)
    assert (track.title, track.added_by) == (sandbox.state.catalog.tracks[liked]["name"], None)
    assert "Evil" not in track.artists.values_list("name", flat=True)
    api.force_authenticate(member)
    patched = api.patch(f"/api/tracks/{track.pk}/", {"youtube_id": "dQw4w9WgXcQ"}, format="json")
    assert patched.status_code == 404
    assert api.delete(f"/api/tracks/{track.pk}/").status_code == 404
    assert SavedTrack.objects.filter(user=account.user, track=track).exists()


@pytest.mark.parametrize("force", [True, False])  # not forced: the row is fresh, but by hand
def test_an_import_takes_over_a_track_staff_just_made_by_id(
    account, sandbox, import_now, staff, api, force
):
    liked = sandbox.state.liked_ids(USER)[7]
    api.force_authenticate(staff)
    made = api.post("/api/tracks/", {"title": "By hand", "spotify_id": liked}, format="json")
    assert made.status_code == 201, made.content

    import_now(account.user, ["liked"], force=force)

    track = Track.objects.get(pk=made.json()["id"])
    assert (track.title, track.added_by) == (sandbox.state.catalog.tracks[liked]["name"], None)
    assert api.get(f"/api/tracks/{track.pk}/").status_code == 404  # staff's library: not any more
