"""The library's plain functions that other apps call: playlists, saves, tags, status, look-ups."""

import datetime

import pytest
from django.utils import timezone

from library.models import PlaylistEntry, SavedTrack, Track, TrackTag
from library.services import curation, lookup, saved, tags
from library.services.playlists import replace_playlist_entries
from library.services.search import search_tracks, search_words
from library.tests.factories import (
    AlbumFactory,
    PlaylistEntryFactory,
    PlaylistFactory,
    SavedTrackFactory,
    TrackFactory,
)

pytestmark = pytest.mark.django_db
DAY = datetime.datetime(2024, 3, 1, tzinfo=datetime.UTC)


def entries(playlist) -> list[tuple[int, int, datetime.datetime | None]]:
    rows = PlaylistEntry.objects.filter(playlist=playlist).order_by("position")
    return list(rows.values_list("position", "track_id", "added_at"))


def test_replacing_a_playlist_writes_the_new_order_with_duplicates(owner):
    playlist = PlaylistFactory(owner=owner)
    a, b, c = TrackFactory.create_batch(3)
    PlaylistEntryFactory(playlist=playlist, track=c, position=0)

    count = replace_playlist_entries(playlist, [(a.pk, DAY), (b.pk, None), (a.pk, DAY)])

    assert count == 3
    assert entries(playlist) == [(0, a.pk, DAY), (1, b.pk, None), (2, a.pk, DAY)]


def test_replacing_with_nothing_empties_the_playlist_and_leaves_others_alone(owner):
    playlist, other = PlaylistFactory(owner=owner), PlaylistFactory(owner=owner)
    PlaylistEntryFactory(playlist=playlist, position=0)
    PlaylistEntryFactory(playlist=other, position=0)
    assert replace_playlist_entries(playlist, []) == 0
    assert entries(playlist) == [] and len(entries(other)) == 1


def test_replacing_costs_the_same_statements_for_three_and_three_hundred(
    owner, django_assert_num_queries
):
    playlist = PlaylistFactory(owner=owner)
    many = [(t.pk, DAY) for t in TrackFactory.create_batch(3)] * 100
    for items in (many[:3], many):
        # savepoint, DELETE old entries, INSERT new ones, touch the playlist, release
        with django_assert_num_queries(5):
            replace_playlist_entries(playlist, items)
    assert len(entries(playlist)) == 300


def test_saving_keeps_an_old_date_unless_spotify_gives_one(owner):
    a, b = TrackFactory.create_batch(2)
    SavedTrackFactory(user=owner, track=a, added_at=DAY)
    later = DAY + datetime.timedelta(days=5)

    saved.save_tracks(owner, [(a.pk, None), (b.pk, later)])
    assert SavedTrack.objects.get(user=owner, track=a).added_at == DAY
    assert SavedTrack.objects.get(user=owner, track=b).added_at == later

    saved.save_tracks(owner, [(a.pk, later)])
    assert SavedTrack.objects.get(user=owner, track=a).added_at == later


def test_unsaving_only_touches_that_user(owner, member):
    track = TrackFactory()
    SavedTrackFactory(user=owner, track=track)
    SavedTrackFactory(user=member, track=track)
    assert saved.unsave_tracks(owner, [track.pk]) == 1
    assert saved.unsave_tracks(owner, [track.pk]) == 0
    assert SavedTrack.objects.filter(user=member).count() == 1


def test_replacing_saved_tracks_drops_what_is_no_longer_liked(owner):
    kept, dropped, new = TrackFactory.create_batch(3)
    SavedTrackFactory(user=owner, track=kept, added_at=DAY)
    SavedTrackFactory(user=owner, track=dropped, added_at=DAY)

    removed = saved.replace_saved_tracks(owner, [(kept.pk, DAY), (new.pk, DAY)])

    assert removed == 1
    assert set(SavedTrack.objects.filter(user=owner).values_list("track_id", flat=True)) == {
        kept.pk,
        new.pk,
    }


def test_tags_are_added_once_per_track_in_any_case_and_removed_by_name(owner, member):
    a, b = TrackFactory.create_batch(2)
    assert tags.add_tag(owner, [a.pk, b.pk], "  Road   trip ") == 2
    assert tags.add_tag(owner, [a.pk], "ROAD TRIP") == 0
    tags.add_tag(member, [a.pk], "road trip")
    assert sorted(TrackTag.objects.filter(owner=owner).values_list("name", flat=True)) == [
        "Road trip",
        "Road trip",
    ]
    assert tags.remove_tag(owner, [a.pk], "road TRIP") == 1
    assert TrackTag.objects.filter(owner=member, track=a).exists()


def test_a_blank_or_overlong_tag_is_refused(owner):
    track = TrackFactory()
    with pytest.raises(ValueError, match="needs a name"):
        tags.add_tag(owner, [track.pk], "   ")
    with pytest.raises(ValueError, match="at most 100"):
        tags.add_tag(owner, [track.pk], "x" * 101)


def test_setting_tags_replaces_the_users_tags_on_one_track(owner):
    track = TrackFactory()
    tags.add_tag(owner, [track.pk], "old")
    assert tags.set_tags(owner, track.pk, ["b", "A", "a"]) == ["a", "b"]
    assert sorted(TrackTag.objects.filter(owner=owner).values_list("name", flat=True)) == ["a", "b"]


def test_tags_the_database_folds_together_are_kept_once_not_a_crash(owner):
    # casefold() keeps "İstanbul" and "istanbul" apart; PostgreSQL's LOWER() does not, and
    # the unique index on LOWER(name) refused the second (a 500 from PATCH /api/tracks/)
    track = TrackFactory()

    shown = tags.set_tags(owner, track.pk, ["İstanbul", "istanbul"])

    stored = TrackTag.objects.filter(owner=owner, track=track).values_list("name", flat=True)
    assert shown == sorted(stored, key=str.casefold) and "İstanbul" in shown


def test_status_changes_only_what_differs_and_refuses_unknown_values():
    a, b = TrackFactory.create_batch(2)
    curation.set_status([b.pk], "approved")
    assert curation.set_status([a.pk, b.pk], "approved") == 1
    assert set(Track.objects.values_list("status", flat=True)) == {"approved"}
    with pytest.raises(ValueError, match="status must be one of"):
        curation.set_status([a.pk], "great")


def test_tracks_are_found_by_spotify_id_youtube_id_and_isrc():
    track = TrackFactory(youtube_id="dQw4w9WgXcQ", isrc="GBAYE0601498")
    twin = TrackFactory(isrc="GBAYE0601498")
    assert lookup.track_by_spotify_id(track.spotify_id) == track
    assert lookup.track_by_youtube_id("dQw4w9WgXcQ") == track
    assert lookup.tracks_by_isrc(" gbaye0601498 ") == [track, twin]
    assert lookup.track_by_spotify_id("missing") is None and lookup.tracks_by_isrc("") == []
    assert lookup.track_ids_by_spotify_id([track.spotify_id, "nope"]) == {
        track.spotify_id: track.pk
    }


def test_search_needs_every_word_in_the_title_an_artist_or_the_album():
    hit = TrackFactory(
        title="Around the World", artists=["Daft Punk"], album=AlbumFactory(name="Homework")
    )
    TrackFactory(title="World Music", artists=["Someone"])
    TrackFactory(title="Other", artists=["Daft Punk Tribute"])
    everything = Track.objects.all()

    assert list(search_tracks(everything, "daft world")) == [hit]
    assert list(search_tracks(everything, "HOMEWORK")) == [hit]
    assert list(search_tracks(everything, '"daft punk" around')) == [hit]
    assert search_tracks(everything, "   ").count() == 3
    assert list(search_tracks(everything, hit.isrc.lower())) == [hit]


def test_search_words_keep_quoted_phrases_together():
    assert search_words('sigur "rós live" 1999') == ["sigur", "rós live", "1999"]


def test_a_search_costs_one_query_however_many_words(django_assert_num_queries):
    TrackFactory(title="a b c", artists=["x"])
    with django_assert_num_queries(1):  # the tracks, artists and albums matched in sub-queries
        list(search_tracks(Track.objects.all(), "a b c d"))


def test_now_is_used_for_saves_without_a_date(owner):
    track = TrackFactory()
    before = timezone.now()
    saved.save_tracks(owner, [(track.pk, None)])
    assert SavedTrack.objects.get(user=owner).added_at >= before
