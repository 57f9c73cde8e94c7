"""Library at 100,000 tracks: upsert speed, the track list API, the admin changelist.

Builds a catalog of 100,000 Spotify-shaped tracks (1-3 artists each from 8,000 artists,
10,000 albums over six decades, enrichments from two providers) in a temporary SQLite
database, all in one user's library (saved, and 40 playlists of 250), then prints:

- the upsert time per 1,000 tracks (new, and again with nothing changed);
- median and p95 of GET /api/tracks/?page_size=100 with a search and an ordering, as that
  user (token auth) and as staff with scope=all, and without a search;
- median and p95 of the admin track changelist, plain and searched.

Targets (DESIGN §7 and issue 3): list p95 < 150 ms, changelist < 500 ms.
Run: .venv/bin/python bench/library.py [--tracks N] [--rounds N]
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

WORDS = [
    "love",
    "night",
    "dream",
    "fire",
    "heart",
    "light",
    "rain",
    "summer",
    "blue",
    "gold",
    "wild",
    "river",
    "moon",
    "city",
    "road",
    "ghost",
    "paper",
    "glass",
    "silver",
    "shadow",
    "ocean",
    "echo",
    "velvet",
    "storm",
    "neon",
    "honey",
    "iron",
    "winter",
    "electric",
    "morning",
    "island",
    "desert",
    "garden",
    "signal",
    "thunder",
    "crystal",
    "satellite",
]


def setup_django(data_dir: Path) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ["DJANGO_SETTINGS_MODULE"] = "trackflow.settings"
    os.environ["TRACKFLOW_DATA_DIR"] = str(data_dir)
    os.environ["DATABASE_URL"] = f"sqlite:///{data_dir / 'bench.sqlite3'}"
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def title(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS).capitalize() for _ in range(rng.randint(1, 4)))


def spotify_item(n: int, rng: random.Random) -> dict:
    album_n = n // 10
    artists = rng.sample(range(8000), rng.choice((1, 1, 1, 2, 3)))
    year = 1965 + album_n % 60
    return {
        "id": f"tr{n:020d}",
        "name": title(rng),
        "artists": [{"id": f"ar{a:020d}", "name": f"{title(rng)} {a}"} for a in artists],
        "album": {
            "id": f"al{album_n:020d}",
            "name": f"{title(rng)} {album_n}",
            "album_type": "album",
            "release_date": f"{year}-0{1 + album_n % 9}-1{album_n % 9}",
            "release_date_precision": "day",
            "images": [{"url": f"https://img.example/{album_n}.jpg"}],
            "total_tracks": 10,
            "artists": [{"id": f"ar{artists[0]:020d}", "name": f"Album Artist {artists[0]}"}],
        },
        "disc_number": 1,
        "track_number": n % 10 + 1,
        "duration_ms": rng.randint(90_000, 420_000),
        "explicit": rng.random() < 0.15,
        "popularity": rng.randint(0, 100),
        "external_ids": {"isrc": f"US{rng.choice('ABCDEFG')}{n % 100:02d}{n:07d}"[:12]},
        "is_local": False,
    }


def build(count: int) -> dict:
    """The catalog, the user's library, and the upsert timings."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from library.models import Playlist, TrackEnrichment
    from library.services.catalog import upsert_tracks
    from library.services.playlists import replace_playlist_entries
    from library.services.saved import save_tracks
    from library.services.tags import add_tag

    rng = random.Random(7)
    items = [spotify_item(n, rng) for n in range(count)]
    timings, ids = [], []
    for start in range(0, count, 1000):
        began = time.perf_counter()
        ids += upsert_tracks(items[start : start + 1000])
        timings.append(time.perf_counter() - began)
    began = time.perf_counter()
    upsert_tracks(items[:1000])
    again = time.perf_counter() - began

    user = get_user_model().objects.create_user("bench", password="bench-pass-1")
    get_user_model().objects.create_superuser("boss", password="boss-pass-1")
    now = timezone.now()
    save_tracks(user, [(pk, now) for pk in ids])
    for n in range(40):
        playlist = Playlist.objects.create(owner=user, name=f"Playlist {n}", spotify_id=f"pl{n}")
        replace_playlist_entries(playlist, [(pk, now) for pk in rng.sample(ids, 250)])
    add_tag(user, rng.sample(ids, 5000), "favourite")
    TrackEnrichment.objects.bulk_create(
        [
            TrackEnrichment(
                track_id=pk,
                provider=provider,
                data={
                    "genres": [rng.choice(("house", "rock", "jazz"))],
                    "bpm": rng.randint(60, 180),
                },
                fetched_at=now,
            )
            for pk in ids
            for provider in ("musicbrainz", "audio")
            if provider == "musicbrainz" or pk % 2
        ],
        batch_size=2000,
    )
    return {"timings": timings, "again": again, "user": user}


def measure(client, urls: list[str], rounds: int, **headers) -> list[float]:
    for url in urls:  # warm caches and the connection
        response = client.get(url, **headers)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
    samples = []
    for _ in range(rounds):
        for url in urls:
            began = time.perf_counter()
            client.get(url, **headers)
            samples.append((time.perf_counter() - began) * 1000)
    return samples


def report(label: str, samples: list[float]) -> None:
    ordered = sorted(samples)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    print(f"  {label:<58} median {statistics.median(ordered):7.1f} ms   p95 {p95:7.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tracks", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="trackflow-bench-") as tmp:
        setup_django(Path(tmp))
        run(args.tracks, args.rounds)


def run(count: int, rounds: int) -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from rest_framework.authtoken.models import Token

    began = time.perf_counter()
    built = build(count)
    load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
    print(f"library bench: {count:,} tracks built in {time.perf_counter() - began:.0f} s")
    print(f"  (load average {load} on {os.cpu_count()} CPUs: other work inflates the times)")
    per_thousand = [t * 1000 for t in built["timings"]]
    report("upsert 1,000 new tracks", per_thousand)
    print(f"  {'upsert 1,000 tracks again, nothing changed':<58} {built['again'] * 1000:7.1f} ms")

    token = Token.objects.create(user=built["user"])
    auth = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    api = Client()
    searches = [
        "/api/tracks/?page_size=100&search=love&ordering=-popularity",
        "/api/tracks/?page_size=100&search=night%20fire&ordering=title",
        "/api/tracks/?page_size=100&search=velvet&ordering=-release_year",
        "/api/tracks/?page_size=100&search=4711&ordering=duration_ms",  # artist numbers
    ]
    report(
        "GET /api/tracks/ search + ordering (user, own library)",
        measure(api, searches, rounds, **auth),
    )
    staff_token = Token.objects.create(user=get_user_model().objects.get(username="boss"))
    staff = {"HTTP_AUTHORIZATION": f"Token {staff_token.key}"}
    everything = [f"{url}&scope=all" for url in searches]
    report(
        "GET /api/tracks/ search + ordering (staff, scope=all)",
        measure(api, everything, rounds, **staff),
    )
    plain = [
        "/api/tracks/?page_size=100&ordering=-popularity",
        f"/api/tracks/?page_size=100&page={max(1, count // 200)}",  # half way
    ]
    report("GET /api/tracks/ no search (user)", measure(api, plain, rounds, **auth))

    admin = Client()
    admin.force_login(get_user_model().objects.get(username="boss"))
    changelists = ["/admin/library/track/", "/admin/library/track/?o=-3&p=50"]
    report("admin track changelist", measure(admin, changelists, rounds))
    searched = [
        "/admin/library/track/?q=love",
        "/admin/library/track/?decade=1990&status__exact=new",
    ]
    report("admin track changelist, searched / filtered", measure(admin, searched, rounds))


if __name__ == "__main__":
    main()
