"""manage.py library_stats."""

import io

import pytest
from django.core.management import CommandError, call_command

from library.services import saved
from library.tests.factories import EnrichmentFactory, PlaylistFactory, TrackFactory

pytestmark = pytest.mark.django_db


def test_it_counts_the_catalog_and_a_users_library(owner, capsys):
    track = TrackFactory(audio_file="library/a.mp3")
    TrackFactory(source="upload", spotify_id=None, added_by=owner)
    EnrichmentFactory(track=track, provider="audio")
    saved.save_tracks(owner, [(track.pk, None)])
    PlaylistFactory(owner=owner, readable=False)

    call_command("library_stats", user="owner")

    lines = [" ".join(line.split()) for line in capsys.readouterr().out.splitlines()]
    assert "tracks 2" in lines and "tracks with audio 1" in lines
    assert "spotify 1" in lines and "upload 1" in lines and "enrichments: audio 1" in lines
    assert "Library of owner" in lines
    assert "library tracks 2" in lines and "saved 1" in lines and "unreadable playlists 1" in lines


def test_an_unknown_user_is_one_readable_line_and_nothing_else():
    out = io.StringIO()
    with pytest.raises(CommandError, match="no user named 'nobody'"):
        call_command("library_stats", user="nobody", stdout=out)
    assert out.getvalue() == ""
