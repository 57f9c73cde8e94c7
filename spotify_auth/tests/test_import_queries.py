"""The import's database cost: a constant number of queries per page, whatever the page holds.

Counted inside the test's transaction, so each atomic block shows as SAVEPOINT ... RELEASE.
"""

import math

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from spotify_auth import importer
from spotify_auth.importer import writes
from spotify_auth.importer.batching import BATCH_PAGES
from spotify_auth.models import ImportJob
from spotify_auth.sandbox.library import Entry
from trackflow.jobs.services import claim

from .conftest import connect_account

pytestmark = pytest.mark.django_db

# Pages are stored in batches of BATCH_PAGES (one transaction each) and report progress
# one by one: a batch costs a constant number of queries, and each page one more.
#
# The catalog (spotify_auth.importer.batching.catalog_ids) for a batch of new tracks: the
# SELECT of the tracks it already has fresh, then library.services.catalog.upsert_tracks:
# SAVEPOINT, INSERT ... RETURNING of artists, of albums, of tracks (plus a SELECT of the ids
# after each where the database cannot return them), INSERT of album artists, DELETE + INSERT
# of track artists, RELEASE.
CATALOG = 1 + (8 if connection.features.can_return_rows_from_bulk_insert else 11)
# A batch of Liked Songs: SAVEPOINT; the catalog; SAVEPOINT, INSERT, RELEASE of SavedTrack
# (library.services.saved.save_tracks); DELETE of the un-liked in the batch's span; UPDATE
# of the cursor; RELEASE.
LIKED_BATCH = 1 + CATALOG + 3 + 1 + 1 + 1
# Once per liked job: the account (for the client, and for the fingerprint), the user, and
# the fingerprint cleared before the first batch and stored after the last.
LIKED_JOB = 5
# A batch of playlist entries: SAVEPOINT; the catalog; RELEASE. Every batch but the last also
# stages what was read in the cursor (one UPDATE): the playlist changes only at the swap.
PLAYLIST_BATCH = 1 + CATALOG + 1
STAGE = 1
# The swap, once all is read: SAVEPOINT; SELECT of the playlist's slots; INSERT of the new
# slots; UPDATE of its snapshot; UPDATE of the cursor (staged rows cleared); RELEASE. Entries
# staged by an earlier batch first have their tracks counted (one SELECT): still there?
SWAP = 6
STAGED_CHECK = 1
# Once per playlist job asked for by id: the account, the playlist row (none yet), then after
# its snapshot is read the SELECT + INSERT of the row.
PLAYLIST_JOB = 4
# Each page: the heartbeat's UPDATE (progress).
PAGE = 1
SIZES = [(2, 1), (50, 1), (150, 3), (450, 9)]  # rows, pages


def _count(sandbox, user, source: str) -> int:
    connect_account(sandbox, user)
    job, _ = writes.create_job(user.pk, source)
    assert claim(ImportJob, job.pk)
    job.refresh_from_db()
    with CaptureQueriesContext(connection) as captured:
        importer.work(job)
    return len(captured)


@pytest.mark.parametrize(("liked", "pages"), SIZES)
def test_liked_songs_cost_the_same_queries_per_page_whatever_their_size(
    make_sandbox, owner, liked, pages
):
    sandbox = make_sandbox(liked=liked, playlists=0)

    batches = math.ceil(pages / BATCH_PAGES)
    assert _count(sandbox, owner, "liked") == LIKED_JOB + batches * LIKED_BATCH + pages * PAGE


@pytest.mark.parametrize(("size", "pages"), SIZES)
def test_playlist_entries_cost_the_same_queries_per_page_whatever_their_size(
    make_sandbox, owner, size, pages
):
    sandbox = make_sandbox(liked=0, playlists=1, playlist_size=450)
    playlist = sandbox.state.playlist(sandbox.state.followed["sandbox-user"][0])
    pool = sandbox.state.catalog.pool
    playlist.entries = [Entry(f"spotify:track:{t}", "2024-01-01T00:00:00Z", "x") for t in pool]
    del playlist.entries[size:]

    count = _count(sandbox, owner, f"playlist:{playlist.id}")

    batches = math.ceil(pages / BATCH_PAGES)
    staged = batches - 1
    assert count == (
        PLAYLIST_JOB
        + batches * PLAYLIST_BATCH
        + staged * STAGE
        + SWAP
        + (STAGED_CHECK if staged else 0)
        + pages * PAGE
    )
