"""Rules at 100,000 tracks: SQL previews against the Python evaluator, and a big sync.

Builds, in a temporary SQLite database, one user's library of 100,000 tracks (1-3 artists
each from 8,000, 10,000 albums over six decades, audio and MusicBrainz enrichments, likes,
40 playlists of 750, tags), then prints:

- for five rules of growing complexity: the median time to count the selection and fetch
  its first page of 50 through the preview path (SQL), the median time of the Python
  evaluator (evaluate + sort_and_limit) over the same rows already loaded, both measured in
  turns (`in_turns`), and their ratio; then that time split into compiling the rule,
  running its SQL and fetching the page, beside the time 20x would allow;
- a 10,000-track rule playlist synced to the Spotify sandbox, then 500 changes (removes,
  adds, moves): the diff's planning time, the write calls the sync made against the bound
  for that diff, and what a plain replace would cost (and lose: every added_at).

Targets (DESIGN §7, issue 5): count + first page < 250 ms; SQL >= 20x the evaluator.
Run: .venv/bin/python bench/rules.py [--tracks N] [--rounds N]
"""

import argparse
import datetime as dt
import math
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

WORDS = ["love", "night", "dream", "fire", "heart", "light", "rain", "summer", "blue", "gold"]
WORDS += ["wild", "river", "moon", "city", "road", "ghost", "paper", "glass", "silver"]
WORDS += ["shadow", "ocean", "echo", "velvet", "storm", "neon", "honey", "iron"]
GENRES = ["house", "deep house", "techno", "ambient", "rock", "indie rock", "jazz", "hip hop"]
GENRES += ["soul", "funk", "disco", "pop", "electro", "drum and bass", "folk", "post-rock"]
ARTIST_WORDS = ["daft", "punk", "sigur", "rós", "the", "black", "keys", "massive", "attack"]
ARTIST_WORDS += ["boards", "canada", "air", "moby", "röyksopp", "justice", "burial", "four"]

RULES = {
    "1 year range": {"all": [{"inTheRange": {"year": [1990, 1999]}}], "sort": "title"},
    "2 artist + popularity, 2 sort keys": {
        "all": [{"contains": {"artist": "daft"}}, {"gt": {"popularity": 40}}],
        "sort": "-year,title",
    },
    "3 genre OR bpm, liked, sort by enrichment": {
        "all": [
            {"any": [{"contains": {"genre": "house"}}, {"gt": {"audio.bpm": 120}}]},
            {"is": {"liked": True}},
        ],
        "sort": "-audio.energy",
    },
    "4 DESIGN §8 example": {
        "all": [
            {"contains": {"artist": "daft"}},
            {"inTheRange": {"year": [1990, 1999]}},
            {"any": [{"contains": {"genre": "house"}}, {"gt": {"audio.bpm": 120}}]},
            {"notInPlaylist": {"name": "Road Trip"}},
        ],
        "sort": "-year,title",
        "limit": 100,
    },
    "5 nested, regex, tags, dateadded": {
        "all": [
            {
                "any": [
                    {"matches": {"title": "^(love|night) "}},
                    {"is": {"tag": "party"}},
                    {"all": [{"inTheLast": {"dateadded": 365}}, {"gte": {"audio.energy": 0.7}}]},
                ]
            },
            {"notContains": {"album": "live"}},
            {"isPresent": {"isrc": True}},
        ],
        "sort": "-dateadded,artist",
        "limit": 500,
    },
}


def setup_django(data_dir: Path) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ["DJANGO_SETTINGS_MODULE"] = "trackflow.settings"
    os.environ["TRACKFLOW_DATA_DIR"] = str(data_dir)
    os.environ["DATABASE_URL"] = f"sqlite:///{data_dir / 'bench.sqlite3'}"
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build_library(size: int, rng: random.Random):
    """One user's library of `size` tracks, written with bulk inserts."""
    from django.contrib.auth import get_user_model

    from library import models as m

    owner = get_user_model().objects.create_user("bench")
    now = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)
    artists = m.Artist.objects.bulk_create(
        m.Artist(name=" ".join(rng.sample(ARTIST_WORDS, 2)).title() + f" {i}") for i in range(8000)
    )
    albums = m.Album.objects.bulk_create(
        m.Album(
            name=" ".join(rng.sample(WORDS, 2)).title() + (" (Live)" if i % 9 == 0 else ""),
            release_year=(year := rng.randint(1965, 2024)),
            release_date=dt.date(year, rng.randint(1, 12), rng.randint(1, 28)),
        )
        for i in range(size // 10)
    )
    m.AlbumArtist.objects.bulk_create(
        m.AlbumArtist(album=album, artist=rng.choice(artists)) for album in albums
    )
    tracks = m.Track.objects.bulk_create(
        (
            m.Track(
                title=" ".join(rng.sample(WORDS, 3)),
                album=rng.choice(albums),
                duration_ms=rng.randint(90_000, 420_000),
                explicit=rng.random() < 0.1,
                popularity=rng.randint(0, 100),
                isrc="" if i % 7 == 0 else f"USBEN{i:07d}",
                spotify_id=f"bench{i:017d}",
            )
            for i in range(size)
        ),
        batch_size=5000,
    )
    links = []
    for track in tracks:
        for position, artist in enumerate(rng.sample(artists, rng.randint(1, 3))):
            links.append(m.TrackArtist(track=track, artist=artist, position=position))
    m.TrackArtist.objects.bulk_create(links, batch_size=5000)
    saved = [t for t in tracks if rng.random() < 0.7]
    m.SavedTrack.objects.bulk_create(
        (
            m.SavedTrack(
                user=owner, track=t, added_at=now - dt.timedelta(minutes=rng.randint(0, 3_000_000))
            )
            for t in saved
        ),
        batch_size=5000,
    )
    playlists = m.Playlist.objects.bulk_create(
        m.Playlist(owner=owner, name="Road Trip" if i == 0 else f"Mix {i}") for i in range(40)
    )
    m.PlaylistEntry.objects.bulk_create(
        (
            m.PlaylistEntry(playlist=p, track=t, position=n, added_at=now)
            for p in playlists
            for n, t in enumerate(rng.sample(tracks, min(750, size)))
        ),
        batch_size=5000,
    )
    enrichments = []
    for track in tracks:
        if rng.random() < 0.9:
            data = {
                "bpm": rng.randint(60, 180),
                "key": rng.choice("ABCDEFG"),
                "energy": rng.random(),
            }
            enrichments.append(
                m.TrackEnrichment(track=track, provider="audio", data=data, fetched_at=now)
            )
        if rng.random() < 0.7:
            data = {"genres": rng.sample(GENRES, rng.randint(1, 3))}
            enrichments.append(
                m.TrackEnrichment(track=track, provider="musicbrainz", data=data, fetched_at=now)
            )
    m.TrackEnrichment.objects.bulk_create(enrichments, batch_size=5000)
    m.TrackTag.objects.bulk_create(
        (
            m.TrackTag(owner=owner, track=t, name=rng.choice(["party", "chill"]))
            for t in rng.sample(tracks, size // 20)
        ),
        batch_size=5000,
    )
    return owner


def timed(action, rounds: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(rounds):
        start = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def in_turns(sql, python, rounds: int, sql_per_round: int = 3) -> tuple[tuple, tuple]:
    """The median time (and last result) of each, measured in turns: each round runs the
    SQL a few times, then the evaluator once. A slow spell of a shared machine then falls
    on both, rather than on whichever ran during it."""
    sql_times, python_times, sql_result, python_result = [], [], None, None
    for _ in range(rounds):
        for _ in range(sql_per_round):
            start = time.perf_counter()
            sql_result = sql()
            sql_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        python_result = python()
        python_times.append(time.perf_counter() - start)
    return (
        (statistics.median(sql_times), sql_result),
        (statistics.median(python_times), python_result),
    )


def bench_previews(owner, rounds: int) -> None:
    from rules.dsl import evaluate, parse_rule, sort_and_limit
    from rules.facts import load_facts
    from rules.preview import preview_rule
    from rules.query import compile_rule

    start = time.perf_counter()
    facts = load_facts(compile_rule(parse_rule({"all": []}), owner), owner)
    loading = time.perf_counter() - start
    print(f"loaded the facts of {len(facts):,} library tracks for the evaluator in {loading:.1f} s")
    now = dt.datetime.now(dt.UTC)
    print(f"{'rule':44} {'count':>7} {'SQL ms':>8} {'Python ms':>10} {'ratio':>7}")
    parts = []
    for name, definition in RULES.items():
        rule = parse_rule(definition)
        (sql_time, (count, page)), (python_time, chosen) = in_turns(
            lambda r=rule: preview_rule(owner, r, seed=1).page(0, 50),
            lambda r=rule: sort_and_limit(r, [f for f in facts if evaluate(r, f, now)]),
            rounds,
        )
        assert [t.pk for t in page] == [f["id"] for f in chosen[:50]], name
        ms = f"{sql_time * 1000:>8.0f} {python_time * 1000:>10.0f}"
        print(f"{name:44} {count:>7,} {ms} {python_time / sql_time:>6.0f}x")
        parts.append((name, python_time / 20, *preview_parts(owner, rule, rounds)))
    print("where a preview's time goes (ms), and what 20x allows:")
    print(f"{'rule':44} {'compile':>8} {'query':>8} {'page':>8} {'20x allows':>10}")
    for name, allowed, *times in parts:
        print(
            f"{name:44} "
            + " ".join(f"{t * 1000:>8.1f}" for t in times)
            + f" {allowed * 1000:>10.0f}"
        )


def preview_parts(owner, rule, rounds: int) -> tuple[float, float, float]:
    """The preview's three steps timed apart: Django building the SQL of the page's ids
    (and of its count, when that is a query of its own), the database running what
    `page` runs for them, and fetching the page's 50 tracks for display."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from library.models import Track
    from rules.preview import preview_rule, shown

    def compile_():
        preview = preview_rule(owner, rule, seed=1)
        walk = preview.walk()
        queries = [walk] if walk is not None else preview.id_queries(0, 50)
        return [q.query.sql_with_params() for q in queries if q is not None]

    with CaptureQueriesContext(connection) as run:
        count, page = preview_rule(owner, rule, seed=1).page(0, 50)
    # the last two: the fetch; savepoints (a walk's budget) are not the rule's work
    statements = [q["sql"] for q in run.captured_queries[:-2] if q["sql"].startswith("SELECT")]

    def query():
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
                cursor.fetchall()

    compiling, _ = timed(compile_, rounds)
    querying, _ = timed(query, rounds)
    ids = [track.pk for track in page]
    fetching, _ = timed(lambda: shown(Track.objects.filter(pk__in=ids)), rounds)
    return compiling, querying, fetching


def bench_sync(owner, rng: random.Random) -> None:
    from django.conf import settings
    from django.db import transaction

    from library.models import SavedTrack, Track, TrackTag
    from rules import diff, services
    from rules.models import RuleSet, SyncRun
    from rules.sync import perform_sync
    from spotify_auth import oauth
    from spotify_auth.sandbox import create_app, start
    from trackflow.jobs.services import run

    app = create_app(seed=1, liked=10_300, playlists=1, playlist_size=10)
    base_url, stop = start(app)
    settings.SPOTIFY_API_URL, settings.SPOTIFY_ACCOUNTS_URL = (
        f"{base_url}/v1",
        f"{base_url}/accounts",
    )
    settings.SPOTIFY_CLIENT_ID, settings.SPOTIFY_CLIENT_SECRET = "sandbox-client", "sandbox-secret"
    token = app.tokens.issue("sandbox-user")
    token["expires_at"] = int(time.time()) + token["expires_in"]
    oauth.store(owner, token, {"id": "sandbox-user", "display_name": "Bench"})
    pool = app.state.catalog.pool[:10_300]
    tracks = list(Track.objects.order_by("pk")[: len(pool)])
    for track, spotify_id in zip(tracks, pool, strict=True):
        track.spotify_id = spotify_id
    with transaction.atomic():
        Track.objects.bulk_update(tracks, ["spotify_id"], batch_size=2000)
        liked = set(SavedTrack.objects.filter(user=owner).values_list("track_id", flat=True))
        SavedTrack.objects.bulk_create(
            SavedTrack(user=owner, track=t, added_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
            for t in tracks
            if t.pk not in liked
        )
        TrackTag.objects.bulk_create(
            TrackTag(owner=owner, track=t, name="sync") for t in tracks[:10_000]
        )
    ruleset = services.save_rule(
        RuleSet(owner=owner, name="Ten thousand"),
        services.read_rule(owner, definition={"all": [{"is": {"tag": "sync"}}], "sort": "title"}),
    )

    def sync() -> SyncRun:
        job = SyncRun.objects.create(owner=owner, rule=ruleset)
        app.stats.reset()
        started = time.perf_counter()
        run(SyncRun, job.pk, perform_sync)
        job.refresh_from_db()
        assert job.status == "completed", job.error
        took = time.perf_counter() - started
        print(f"  {job.message} ({took:.1f} s; the sandbox counted {app.stats.writes} writes)")
        return job

    print("sync of a 10,000-track rule playlist to the sandbox:")
    first = sync()
    # 500 changes: 200 tracks leave, 200 come in, 100 move to other places
    leaving, coming, moving = (
        tracks[:200],
        tracks[10_000:10_200],
        rng.sample(tracks[200:10_000], 100),
    )
    TrackTag.objects.filter(owner=owner, track__in=leaving).delete()
    TrackTag.objects.bulk_create(TrackTag(owner=owner, track=t, name="sync") for t in coming)
    for track in moving:
        track.title = " ".join(rng.sample(WORDS, 3))
    Track.objects.bulk_update(moving, ["title"])
    wanted = services.wanted(ruleset).uris
    started = time.perf_counter()
    planned = diff.plan(first.after_uris, wanted)
    planning = time.perf_counter() - started
    changes = f"{len(planned.removed)} out, {len(planned.added)} in, {len(planned.moved)} moved"
    print(f"  diff of 10,000 with 500 changes ({changes}) planned in {planning * 1000:.0f} ms")
    second = sync()
    print(f"  write calls {second.writes}; {minimum(first.after_uris, wanted)}")
    print(f"  a plain replace: {diff.replace_writes(len(wanted))} calls, and every added_at lost")
    third = sync()
    assert third.writes == 0
    stop()


def minimum(current: list[str], target: list[str]) -> str:
    """The fewest writes that keep every kept track's added_at: one remove per 100 URIs,
    an add per run of new tracks (per 100), and a move for each kept track off a longest
    increasing run (what single moves need; moving runs together can only do better)."""
    from rules.diff import longest_increasing

    kept = set(current) & set(target)
    removes = math.ceil(len(set(current) - kept) / 100)
    runs, length = 0, 0
    for uri in [*target, None]:
        if uri is None or uri in kept:
            runs, length = runs + math.ceil(length / 100), 0
        else:
            length += 1
    order = {uri: i for i, uri in enumerate(target)}
    ranks = [order[uri] for uri in current if uri in kept]
    moves = len(ranks) - len(longest_increasing(ranks))
    total = removes + runs + moves
    return f"minimum {removes} removes + {runs} adds + {moves} moves = {total}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tracks", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="trackflow-bench-rules-") as tmp:
        setup_django(Path(tmp))
        rng = random.Random(5)
        start = time.perf_counter()
        owner = build_library(args.tracks, rng)
        print(f"built a library of {args.tracks:,} tracks in {time.perf_counter() - start:.0f} s")
        bench_previews(owner, args.rounds)
        bench_sync(owner, rng)


if __name__ == "__main__":
    main()
