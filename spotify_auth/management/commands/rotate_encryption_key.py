from django.core.management import CommandError

from spotify_auth import crypto
from spotify_auth.services import rotate_tokens
from trackflow.commands import TrackFlowCommand


class Command(TrackFlowCommand):
    help = (
        "Re-encrypt every stored Spotify token with the first key of TRACKFLOW_ENCRYPTION_KEY "
        "(run after putting a new key first); --generate prints a new key."
    )

    def add_arguments(self, parser):
        parser.add_argument("--generate", action="store_true", help="print a new key and exit")

    def handle(self, *args, generate: bool, **options):
        if generate:
            self.stdout.write(crypto.generate_key())
            return
        rotated, reconnected, lost = rotate_tokens()
        self.stdout.write(f"Re-encrypted the tokens of {rotated} Spotify accounts.")
        if reconnected:
            self.stdout.write(
                f"{reconnected} accounts marked 'needs reconnect' for unreadable tokens are "
                "connected again."
            )
        if lost:
            raise CommandError(
                f"{lost} accounts had tokens no configured key opens; they are marked "
                "'needs reconnect': keep the old key in TRACKFLOW_ENCRYPTION_KEY and run again, "
                "or ask those users to reconnect Spotify"
            )
