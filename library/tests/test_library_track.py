"""LibraryTrack, kept by triggers: after any sequence of writes to its sources, through any
path (save, bulk_create, QuerySet.update and delete, cascades), its rows are what the
sources say now."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from downloads.models import DownloadJob
from library.models import LibraryTrack, Playlist, PlaylistEntry, SavedTrack, Track
from library.services.scope import library_tracks

pytestmark = pytest.mark.django_db

DAY = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
INSTANTS = st.builds(lambda d: DAY + dt.timedelta(days=d), st.integers(0, 4))  # ties happen
USERS, TRACKS, PLAYLISTS = range(2), range(2), range(3)


def expected_rows() -> dict[tuple[int, int], tuple]:
    """(owner, track) -> the LibraryTrack columns, computed from the sources as they are."""
    found: dict[tuple[int, int], list[tuple]] = {}
    for user, track, at in SavedTrack.objects.values_list("user_id", "track_id", "added_at"):
        found.setdefault((user, track), []).append((at, None))
    entries = PlaylistEntry.objects.values_list(
        "playlist__owner_id", "track_id", "added_at", "playlist_id"
    )
    for owner, track, at, playlist in entries:
        found.setdefault((owner, track), []).append((at, playlist))
    uploads = Track.objects.filter(added_by__isnull=False)
    for owner, track, at in uploads.values_list("added_by_id", "pk", "created_at"):
        found.setdefault((owner, track), []).append((at, None))
    done = DownloadJob.objects.filter(status="completed")
    for owner, track, at in done.values_list("owner_id", "track_id", "created_at"):
        found.setdefault((owner, track), []).append((at, None))
    rows = {}
    for key, sources in found.items():
        dated = sorted(
            (s for s in sources if s[0] is not None),
            key=lambda s: (s[0], s[1] is not None, s[1] or 0),
        )
        first = dated[0][1] if dated else None
        others = [at for at, playlist in dated if first is not None and playlist != first]
        playlists = {playlist for _, playlist in sources}
        sole = playlists.pop() if len(playlists) == 1 and None not in playlists else None
        rows[key] = (
            dated[0][0] if dated else None,
            first,
            min(others) if first is not None and others else None,
            sole,
        )
    return rows


def stored_rows() -> dict[tuple[int, int], tuple]:
    columns = ("added_at", "first_playlist_id", "added_at_otherwise", "sole_playlist_id")
    return {
        (row[0], row[1]): tuple(row[2:])
        for row in LibraryTrack.objects.values_list("owner_id", "track_id", *columns)
    }


steps = st.one_of(
    st.tuples(st.just("like"), st.sampled_from(USERS), st.sampled_from(TRACKS), INSTANTS),
    st.tuples(st.just("unlike"), st.sampled_from(USERS), st.sampled_from(TRACKS)),
    st.tuples(st.just("relike"), st.sampled_from(USERS), INSTANTS),
    st.tuples(
        st.just("entry"),
        st.sampled_from(PLAYLISTS),
        st.sampled_from(TRACKS),
        st.none() | INSTANTS,
    ),
    st.tuples(st.just("unentry"), st.sampled_from(PLAYLISTS), st.sampled_from(TRACKS)),
    st.tuples(st.just("move entries"), st.sampled_from(PLAYLISTS), st.sampled_from(PLAYLISTS)),
    st.tuples(st.just("give playlist"), st.sampled_from(PLAYLISTS), st.sampled_from(USERS)),
    st.tuples(st.just("drop playlist"), st.sampled_from(PLAYLISTS)),
    st.tuples(
        st.just("upload"), st.sampled_from(TRACKS), st.none() | st.sampled_from(USERS), INSTANTS
    ),
    st.tuples(
        st.just("download"),
        st.sampled_from(USERS),
        st.sampled_from(TRACKS),
        st.sampled_from(["completed", "failed"]),
        INSTANTS,
    ),
    st.tuples(st.just("fail downloads"), st.sampled_from(TRACKS)),
    st.tuples(st.just("redate downloads"), st.sampled_from(USERS), INSTANTS),
    st.tuples(st.just("redate entries"), st.sampled_from(PLAYLISTS), st.none() | INSTANTS),
    st.tuples(st.just("drop downloads"), st.sampled_from(USERS)),
    st.tuples(st.just("drop track"), st.sampled_from(TRACKS)),
    st.tuples(st.just("drop user"), st.sampled_from(USERS)),
)


def _next_position(playlist: Playlist) -> int:
    """Past every entry's position: a count would reuse one once an entry is gone."""
    last = PlaylistEntry.objects.filter(playlist=playlist).aggregate(last=Max("position"))
    return (last["last"] or 0) + 1


def apply(step: tuple, users: list, tracks: list, playlists: list) -> None:
    kind, *args = step
    live_tracks = Track.objects.filter(pk__in=[t.pk for t in tracks])
    live_users = get_user_model().objects.filter(pk__in=[u.pk for u in users])
    if kind == "like":
        user, track, at = users[args[0]], tracks[args[1]], args[2]
        if live_users.filter(pk=user.pk).exists() and live_tracks.filter(pk=track.pk).exists():
            SavedTrack.objects.update_or_create(user=user, track=track, defaults={"added_at": at})
    elif kind == "unlike":
        SavedTrack.objects.filter(user=users[args[0]], track=tracks[args[1]]).delete()
    elif kind == "relike":  # a bulk re-date
        SavedTrack.objects.filter(user=users[args[0]]).update(added_at=args[1])
    elif kind == "entry":
        playlist, track = playlists[args[0]], tracks[args[1]]
        if Playlist.objects.filter(pk=playlist.pk).exists() and live_tracks.filter(pk=track.pk):
            position = _next_position(playlist)
            PlaylistEntry.objects.bulk_create(
                [PlaylistEntry(playlist=playlist, track=track, position=position, added_at=args[2])]
            )
    elif kind == "unentry":
        entries = PlaylistEntry.objects.filter(playlist=playlists[args[0]], track=tracks[args[1]])
        entries.filter(pk__in=entries.values("pk")[:1]).delete()
    elif kind == "move entries":
        source, target = playlists[args[0]], playlists[args[1]]
        if Playlist.objects.filter(pk=target.pk).exists():
            base = _next_position(target)
            for n, entry in enumerate(PlaylistEntry.objects.filter(playlist=source)):
                PlaylistEntry.objects.filter(pk=entry.pk).update(playlist=target, position=base + n)
    elif kind == "give playlist":
        if live_users.filter(pk=users[args[1]].pk).exists():
            Playlist.objects.filter(pk=playlists[args[0]].pk).update(owner=users[args[1]])
    elif kind == "drop playlist":
        Playlist.objects.filter(pk=playlists[args[0]].pk).delete()
    elif kind == "upload":
        owner = users[args[1]] if args[1] is not None else None
        if owner is None or live_users.filter(pk=owner.pk).exists():
            live_tracks.filter(pk=tracks[args[0]].pk).update(added_by=owner, created_at=args[2])
    elif kind == "download":
        user, track, status, at = users[args[0]], tracks[args[1]], args[2], args[3]
        if live_users.filter(pk=user.pk).exists() and live_tracks.filter(pk=track.pk).exists():
            job = DownloadJob.objects.create(owner=user, track=track, backend="http")
            job.status, job.created_at = status, at
            job.save()
    elif kind == "fail downloads":
        DownloadJob.objects.filter(track=tracks[args[0]]).update(status="failed")
    elif kind == "redate downloads":
        DownloadJob.objects.filter(owner=users[args[0]]).update(created_at=args[1])
    elif kind == "redate entries":
        PlaylistEntry.objects.filter(playlist=playlists[args[0]]).update(added_at=args[1])
    elif kind == "drop downloads":
        DownloadJob.objects.filter(owner=users[args[0]]).delete()
    elif kind == "drop track":
        live_tracks.filter(pk=tracks[args[0]].pk).delete()
    elif kind == "drop user":
        live_users.filter(pk=users[args[0]].pk).delete()


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(steps, min_size=1, max_size=20))
# each path a trigger must cover, whatever the random search finds
@example(
    [("download", 0, 0, "completed", DAY), ("redate downloads", 0, DAY + dt.timedelta(days=2))]
)
@example([("download", 1, 1, "completed", DAY), ("fail downloads", 1), ("drop user", 1)])
@example(
    [("entry", 0, 0, DAY + dt.timedelta(days=2)), ("entry", 1, 0, DAY), ("move entries", 0, 1)]
)
@example([("entry", 0, 1, DAY), ("give playlist", 0, 1), ("drop playlist", 0)])
@example(
    [("entry", 1, 0, None), ("entry", 2, 0, DAY), ("redate entries", 2, DAY + dt.timedelta(days=2))]
)
@example(
    [("upload", 0, 0, DAY + dt.timedelta(days=2)), ("upload", 0, 0, DAY), ("upload", 1, None, DAY)]
)
@example(
    [
        ("like", 0, 0, DAY + dt.timedelta(days=2)),
        ("entry", 0, 0, DAY),
        ("relike", 0, DAY),
        ("unentry", 0, 0),
    ]
)
@example([("like", 0, 0, DAY), ("entry", 0, 0, DAY)])  # a tie: the like is first
@example([("like", 1, 1, DAY), ("entry", 1, 1, DAY), ("unlike", 1, 1), ("drop track", 1)])
def test_library_rows_follow_every_write_to_their_sources(journey):
    with transaction.atomic():
        users = [get_user_model().objects.create_user(f"member{n}") for n in USERS]
        tracks = [Track.objects.create(title=f"t{n}", source="local") for n in TRACKS]
        playlists = [
            Playlist.objects.create(owner=users[min(n, 1)], name=f"p{n}") for n in PLAYLISTS
        ]
        for step in journey:
            apply(step, users, tracks, playlists)
            assert stored_rows() == expected_rows(), step
        transaction.set_rollback(True)


def test_a_track_in_the_library_only_through_one_playlist_leaves_it_with_that_playlist(
    django_user_model,
):
    owner = django_user_model.objects.create_user("owner")
    track, liked = (
        Track.objects.create(title="only listed", source="local"),
        Track.objects.create(title="liked", source="local"),
    )
    target = Playlist.objects.create(owner=owner, name="Target")
    for n, t in enumerate([track, liked]):
        PlaylistEntry.objects.create(playlist=target, track=t, position=n, added_at=DAY)
    SavedTrack.objects.create(user=owner, track=liked, added_at=DAY + dt.timedelta(days=3))
    assert set(library_tracks(owner)) == {track, liked}
    assert list(library_tracks(owner, exclude_playlist_id=target.pk)) == [liked]
