"""Library test fixtures."""

import pytest


@pytest.fixture
def saved_for():
    """saved_for(user, n, start=0): n Spotify tracks (two artists each) saved by `user`; ids."""
    from library.services.catalog import upsert_tracks
    from library.services.saved import save_tracks
    from library.tests.factories import spotify_track

    def make(user, n: int, start: int = 0) -> list[int]:
        ids = upsert_tracks([spotify_track(i, artists=2) for i in range(start, start + n)])
        save_tracks(user, [(pk, None) for pk in ids])
        return ids

    return make
