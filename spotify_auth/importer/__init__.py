"""Import from Spotify into the library, one job per source.

    queue(user, ["liked", "all-playlists", "playlist:<id>"])  -> jobs (202 in the API)
    work(job)                                                  -> what a worker runs

`all-playlists` lists the user's playlists, keeps their details, removes the ones gone from
Spotify, and spawns one `playlist:<id>` job per playlist whose snapshot_id changed.
"""

from .queueing import queue, run_now, work
from .sources import ALL_PLAYLISTS, LIKED, parse_source

__all__ = ["ALL_PLAYLISTS", "LIKED", "parse_source", "queue", "run_now", "work"]
