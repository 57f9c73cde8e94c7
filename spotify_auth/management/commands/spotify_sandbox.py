from django.core.management import BaseCommand

from spotify_auth.sandbox import create_app, serve_forever


class Command(BaseCommand):
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
        app = create_app(
            seed=options["seed"],
            liked=tracks,
            playlists=playlists,
            playlist_size=options["playlist_size"],
        )
        # the plain stream: serve_forever prints whole lines itself
        serve_forever(host, port, app, out=getattr(self.stdout, "_out", self.stdout))
