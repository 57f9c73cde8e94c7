"""The users' side of the sandbox: liked songs and playlists, generated from a seed.

Unlike the catalog, this changes while the sandbox runs; SandboxState owns the changes.
"""

from __future__ import annotations

import base64
import hashlib
import random
import time
from dataclasses import dataclass, field
from typing import NamedTuple

from .data import Catalog, make_id
from .names import PLAYLIST_NAMES, long_name

FRIEND = "sandbox-friend"  # owns the collaborative playlist every user may edit
EDITOR = "spotify"  # owns the followed playlist nobody here may read
_EPOCH = 1_717_200_000  # 2024-06-01: generated timestamps lie before or around it


def iso(timestamp: float) -> str:
    """Spotify's timestamp format: UTC, second precision, Z suffix."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(timestamp))


def display_name(user: str) -> str:
    return {EDITOR: "Spotify"}.get(user, user.replace("-", " ").title())


class Entry(NamedTuple):
    """One position in a playlist. Moves keep the tuple, so added_at survives reorders."""

    uri: str
    added_at: str
    added_by: str


@dataclass
class Playlist:
    id: str
    name: str
    owner: str
    entries: list[Entry]
    description: str = ""
    public: bool = True
    collaborative: bool = False
    collaborators: set[str] = field(default_factory=set)
    followers: int = 0
    version: int = 0

    @property
    def snapshot_id(self) -> str:
        return snapshot_id(self.id, self.version)

    def had_snapshot(self, snapshot: str) -> bool:
        """Whether `snapshot` named this playlist at some point (writes may name an older one)."""
        return any(snapshot == snapshot_id(self.id, v) for v in range(self.version, -1, -1))

    def readable_by(self, user: str) -> bool:
        return user == self.owner or user in self.collaborators


def snapshot_id(playlist_id: str, version: int) -> str:
    digest = hashlib.blake2b(f"{playlist_id}:{version}".encode(), digest_size=24).digest()
    return base64.b64encode(digest).decode()


@dataclass
class Library:
    users: dict[str, str]  # id -> display name, login users first
    liked: dict[str, list[tuple[str, str]]]  # user -> [(track id, added_at)], newest first
    playlists: dict[str, Playlist]
    followed: dict[str, list[str]]  # user -> playlist ids, in /me/playlists order


def build_library(
    catalog: Catalog, seed: int, users: tuple[str, ...], liked: int, playlists: int, size: int
) -> Library:
    """Each user: `liked` saved tracks and `playlists` playlists of `size` entries, plus an
    empty playlist, a shared collaborative one and a followed one they may not read."""
    library = Library({u: display_name(u) for u in (*users, FRIEND, EDITOR)}, {}, {}, {})
    shared = random.Random(f"shared:{seed}")
    collab = Playlist(
        make_id(seed, "playlist", "collab"),
        "Band Practice 🥁",
        FRIEND,
        _entries(catalog, shared, size, [*users, FRIEND]),
        public=False,
        collaborative=True,
        collaborators=set(users),
    )
    top = Playlist(
        make_id(seed, "playlist", "editorial"),
        "Sandbox Top 50 🌍",
        EDITOR,
        _entries(catalog, shared, size, [EDITOR]),
        followers=1_234_567,
    )
    library.playlists.update({collab.id: collab, top.id: top})
    for user in users:
        rng = random.Random(f"library:{seed}:{user}")
        library.liked[user] = _liked(catalog, rng, liked)
        owned = [_own_playlist(catalog, rng, seed, user, n, size) for n in range(playlists)]
        owned.append(
            Playlist(make_id(seed, f"playlist:{user}", "empty"), "Empty (for now)", user, [])
        )
        library.playlists.update((p.id, p) for p in owned)
        library.followed[user] = [p.id for p in owned] + [collab.id, top.id]
    return library


def _own_playlist(
    catalog: Catalog, rng: random.Random, seed: int, user: str, n: int, size: int
) -> Playlist:
    """The user's n-th playlist; the first holds every quirk (see _add_quirks). Names repeat
    once there are more playlists than PLAYLIST_NAMES, as they do in real libraries."""
    return Playlist(
        make_id(seed, f"playlist:{user}", n),
        long_name("Playlist") if n == 2 else PLAYLIST_NAMES[n % len(PLAYLIST_NAMES)],
        user,
        _entries(catalog, rng, size, [user], quirky=n == 0),
        description="Songs for the road &amp; more" if n == 0 else "",  # Spotify escapes HTML
        public=rng.random() < 0.7,
        followers=rng.randint(0, 500),
    )


def _liked(catalog: Catalog, rng: random.Random, count: int) -> list[tuple[str, str]]:
    moment, liked = _EPOCH, []
    for track_id in rng.sample(catalog.pool, count):
        moment -= rng.randint(60, 86_400)
        liked.append((track_id, iso(moment)))
    return liked


def _entries(catalog, rng, size: int, adders: list[str], quirky: bool = False) -> list[Entry]:
    """`size` entries added one after another by `adders`, with quirks mixed in."""
    uris = [f"spotify:track:{t}" for t in rng.sample(catalog.pool, size)]
    _add_quirks(catalog, rng, uris, everything=quirky)
    moment, entries = _EPOCH - 400 * 86_400, []
    for uri in uris:
        moment += rng.randint(60, 86_400)
        entries.append(Entry(uri, iso(moment), rng.choice(adders)))
    return entries


def _add_quirks(catalog: Catalog, rng: random.Random, uris: list[str], everything: bool) -> None:
    """A local file, an episode, a removed track, a duplicate and a relinked track: all of them
    at positions 1-5 when `everything`, otherwise each now and then at a random position."""
    makers = (
        lambda: rng.choice(list(catalog.local)),
        lambda: "spotify:episode:" + rng.choice(list(catalog.episodes)),
        lambda: "spotify:track:" + rng.choice(catalog.removed),
        lambda: uris[0],
        lambda: "spotify:track:" + catalog.pool[3],  # build_catalog always relinks pool[3]
    )
    for position, make in enumerate(makers, start=1):
        if position < len(uris) and (everything or rng.random() < 0.2):
            uris[position if everything else rng.randrange(1, len(uris))] = make()
