from datetime import timedelta

from django.core.management import CommandError

from downloads import services
from trackflow.commands import TrackFlowCommand

MAX_SECONDS = 365 * 24 * 3600


class Command(TrackFlowCommand):
    help = (
        "Requeue downloads left running by a worker that died, and remove the partial files "
        "such workers left under MEDIA_ROOT/library (also runs on a schedule)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--older-than",
            type=float,
            metavar="SECONDS",
            help="how long a job or file must be untouched to count as abandoned "
            "(default: JOB_STALE_SECONDS)",
        )

    def handle(self, *args, **options) -> None:
        seconds = options["older_than"]
        if seconds is not None and not 0 <= seconds <= MAX_SECONDS:  # nan fails both
            raise CommandError(
                f"--older-than must be 0 to {MAX_SECONDS:,} seconds (a year), got {seconds:g}"
            )
        age = timedelta(seconds=seconds) if seconds is not None else None
        jobs, files = services.recover(older_than=age)
        self.stdout.write(f"recovered {jobs} stalled download(s), removed {files} partial file(s)")
