"""python -m spotify_auth.sandbox [--port 8888] [--tracks 200] ...: run the sandbox alone."""

from __future__ import annotations

import argparse

from .app import create_app
from .server import CannotServe, serve_forever


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m spotify_auth.sandbox", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8888)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--tracks", type=int, default=200, help="liked tracks per user")
    parser.add_argument("--playlists", type=int, default=8, help="own playlists per user")
    parser.add_argument("--playlist-size", type=int, default=60)
    parser.add_argument("--users", default="sandbox-user,other-user", help="comma-separated")
    parser.add_argument("--client-id", default="sandbox-client")
    parser.add_argument("--client-secret", default="sandbox-secret")
    parser.add_argument("--token-ttl", type=int, default=3600, help="seconds")
    parser.add_argument("--rotate-refresh-tokens", action="store_true")
    args = parser.parse_args(argv)
    app = create_app(
        seed=args.seed,
        liked=args.tracks,
        playlists=args.playlists,
        playlist_size=args.playlist_size,
        users=tuple(u.strip() for u in args.users.split(",") if u.strip()),
        client_id=args.client_id,
        client_secret=args.client_secret,
        rotate_refresh_tokens=args.rotate_refresh_tokens,
        token_ttl=args.token_ttl,
    )
    try:
        serve_forever(args.host, args.port, app)
    except CannotServe as exc:
        parser.exit(1, f"{parser.prog}: {exc}\n")


if __name__ == "__main__":
    main()
