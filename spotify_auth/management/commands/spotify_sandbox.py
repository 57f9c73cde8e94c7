from django.core.management import CommandError

from spotify_auth.sandbox import CannotServe, create_app, serve_forever
from trackflow.commands import TrackFlowCommand


class Command(TrackFlowCommand):
    help = (
        "Serve the Spotify sandbox (a fake Web API and Accounts service) on its own port; it "
        "prints the settings that point TrackFlow at it. Ctrl-C stops it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8888)
        parser.add_argument("--tracks", type=int, default=200, help="liked tracks per user")
        parser.add_argument("--playlists", type=int, default=8, help="own playlists per user")
        parser.add_argument("--playlist-size", type=int, default=60)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, host: str, port: int, tracks: int, playlists: int, **options):
        if not 0 <= port <= 65535:
            raise CommandError(f"--port must be 0 to 65535 (0: any free port), not {port}")
        sizes = {"--tracks": tracks, "--playlists": playlists}
        sizes["--playlist-size"] = options["playlist_size"]
        for flag, size in sizes.items():
            if size < 0:
                raise CommandError(f"{flag} must be 0 or more, not {size}")
        app = create_app(
            seed=options["seed"],
            liked=tracks,
            playlists=playlists,
            playlist_size=options["playlist_size"],
        )
        try:
            # the plain stream: serve_forever prints whole lines itself
            serve_forever(host, port, app, out=getattr(self.stdout, "_out", self.stdout))
        except CannotServe as exc:
            raise CommandError(str(exc)) from None
