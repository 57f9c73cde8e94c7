"""SandboxState: the sandbox's library, changed by the Web API and by tests alike.

Every method takes the lock, so the HTTP handlers (one thread per request) and a test
editing a playlist "from outside" never see half a change. Handlers that render several
objects hold `state.lock` (re-entrant) around the whole read.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable

from .data import Catalog, build_catalog, make_id
from .library import Entry, Library, Playlist, build_library, iso


class Rejected(ValueError):
    """A change Spotify would refuse with 400; the message is what Spotify says."""


class SandboxState:
    def __init__(self, catalog: Catalog, library: Library, clock: Callable[[], float] = time.time):
        self.catalog = catalog
        self.users = library.users
        self.liked = library.liked
        self.playlists = library.playlists
        self.followed = library.followed
        self.clock = clock
        self.lock = threading.RLock()
        self._created = 0

    @classmethod
    def generate(
        cls, seed: int, users: tuple[str, ...], liked: int, playlists: int, playlist_size: int
    ) -> SandboxState:
        """Build catalog and libraries; the catalog has room for tracks nobody has yet."""
        catalog = build_catalog(seed, liked + 2 * playlist_size + 100)
        return cls(catalog, build_library(catalog, seed, users, liked, playlists, playlist_size))

    def now(self) -> str:
        return iso(self.clock())

    # Liked songs

    def like(self, user: str, track_id: str) -> None:
        """Save a track now (it goes first, as on Spotify); saving it again is a no-op."""
        with self.lock:
            if track_id not in self.catalog.tracks:
                raise Rejected(f"Unknown track {track_id}")
            if all(saved != track_id for saved, _ in self.liked[user]):
                self.liked[user].insert(0, (track_id, self.now()))

    def unlike(self, user: str, track_id: str) -> None:
        with self.lock:
            self.liked[user] = [pair for pair in self.liked[user] if pair[0] != track_id]

    def liked_ids(self, user: str) -> list[str]:
        with self.lock:
            return [track_id for track_id, _ in self.liked[user]]

    # Playlists: lookups and details

    def playlist(self, playlist_id: str) -> Playlist:
        """The playlist; KeyError if there is none."""
        return self.playlists[playlist_id]

    def create_playlist(
        self,
        owner: str,
        name: str,
        public: bool = True,
        collaborative: bool = False,
        description: str = "",
    ) -> Playlist:
        with self.lock:
            self._created += 1
            playlist_id = make_id(self.clock(), f"created:{owner}", self._created)
            playlist = Playlist(playlist_id, name, owner, [], description, public, collaborative)
            self.playlists[playlist_id] = playlist
            self.followed[owner].insert(0, playlist_id)
            return playlist

    def update_details(self, playlist_id: str, **changes: object) -> str:
        """Change name, description, public or collaborative; returns the new snapshot_id."""
        with self.lock:
            playlist = self.playlists[playlist_id]
            for key, value in changes.items():
                setattr(playlist, key, value)
            return self._touch(playlist)

    def unfollow(self, user: str, playlist_id: str) -> None:
        """What deleting a playlist is on Spotify: it leaves the user's list (and stays)."""
        with self.lock:
            self.followed[user] = [p for p in self.followed[user] if p != playlist_id]

    def delete_playlist(self, playlist_id: str) -> None:
        """Gone for good, for every user: lookups answer 404 afterwards."""
        with self.lock:
            del self.playlists[playlist_id]
            for user in self.followed:
                self.unfollow(user, playlist_id)

    # Playlists: items. Each write bumps the version, hence the snapshot_id.

    def add_items(
        self,
        playlist_id: str,
        uris: Iterable[str],
        user: str | None = None,
        position: int | None = None,
    ) -> str:
        """Insert at `position` (append when None), each with a fresh added_at."""
        with self.lock:
            playlist = self.playlists[playlist_id]
            entries = playlist.entries
            position = len(entries) if position is None else position
            if not 0 <= position <= len(entries):
                raise Rejected("Index out of bounds")
            now, by = self.now(), user or playlist.owner
            entries[position:position] = [Entry(uri, now, by) for uri in uris]
            return self._touch(playlist)

    def replace_items(self, playlist_id: str, uris: Iterable[str], user: str | None = None) -> str:
        with self.lock:
            playlist = self.playlists[playlist_id]
            now, by = self.now(), user or playlist.owner
            playlist.entries = [Entry(uri, now, by) for uri in uris]
            return self._touch(playlist)

    def reorder_items(
        self, playlist_id: str, range_start: int, insert_before: int, range_length: int = 1
    ) -> str:
        """Move entries [range_start, range_start + range_length) before `insert_before`,
        both positions counted in the playlist as it was before the move."""
        with self.lock:
            playlist = self.playlists[playlist_id]
            entries, end = playlist.entries, range_start + range_length
            if range_start < 0 or range_length < 1 or end > len(entries):
                raise Rejected("Index out of bounds")
            if not 0 <= insert_before <= len(entries):
                raise Rejected("Index out of bounds")
            moved, rest = entries[range_start:end], entries[:range_start] + entries[end:]
            # insert_before counts the moved entries that sat before it; they are gone from rest
            at = insert_before - min(max(insert_before - range_start, 0), range_length)
            playlist.entries = rest[:at] + moved + rest[at:]
            return self._touch(playlist)

    def remove_items(self, playlist_id: str, uris: Iterable[str]) -> str:
        """Remove every occurrence of each URI; the others keep their added_at."""
        with self.lock:
            playlist, gone = self.playlists[playlist_id], set(uris)
            playlist.entries = [e for e in playlist.entries if e.uri not in gone]
            return self._touch(playlist)

    def _touch(self, playlist: Playlist) -> str:
        playlist.version += 1
        return playlist.snapshot_id
