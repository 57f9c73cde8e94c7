from django.contrib.auth import get_user_model
from django.core.management import CommandError
from tqdm import tqdm

from spotify_auth import importer
from spotify_auth.errors import ReconnectRequired
from spotify_auth.importer.progress import watching
from trackflow.commands import TrackFlowCommand
from trackflow.jobs.models import JobStatus


class Command(TrackFlowCommand):
    help = (
        "Import a user's Liked Songs and playlists from Spotify now, with a progress bar, or "
        "queue the jobs for the workers with --queue. No source flag: liked + all playlists."
    )

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="TrackFlow username")
        parser.add_argument("--liked", action="store_true", help="Liked Songs")
        parser.add_argument("--all-playlists", action="store_true", help="every playlist")
        parser.add_argument(
            "--playlist", action="append", default=[], metavar="ID", help="one playlist (repeat)"
        )
        parser.add_argument("--queue", action="store_true", help="queue jobs instead of waiting")
        parser.add_argument("--force", action="store_true", help="re-read unchanged sources")

    def handle(self, *args, user: str, queue: bool, force: bool, **options):
        owner = get_user_model().objects.filter(username=user).first()
        if owner is None:
            raise CommandError(f"no TrackFlow user {user!r}")
        sources = _sources(options)
        try:
            if queue:
                for job in importer.queue(owner, sources, force):
                    self.stdout.write(f"queued {job.source}: job {job.pk} ({job.status})")
                return
            jobs = self._run(owner, sources, force)
        except ReconnectRequired as exc:
            raise CommandError(f"{exc} (manage.py spotify_login --user {user})") from None
        for job in jobs:
            self.stdout.write(f"{job.source}: {job.status}: {_outcome(job)}")
        unfinished = [job for job in jobs if job.status != JobStatus.COMPLETED]
        if unfinished:
            first = unfinished[0]
            raise CommandError(
                f"{len(unfinished)} of {len(jobs)} imports did not finish; {first.source}: "
                f"{_outcome(first)}"
            )

    def _run(self, owner, sources: list[str], force: bool):
        bars: dict = {}

        def draw(job, fraction: float, message: str) -> None:
            bar = bars.get(job.pk)
            if bar is None:
                bar = bars[job.pk] = tqdm(total=100, desc=job.source[:30], unit="%", leave=False)
            bar.update(round(fraction * 100) - bar.n)
            bar.set_postfix_str(message[:50], refresh=False)

        token = watching.set(draw)
        try:
            return importer.run_now(owner, sources, force)
        finally:
            watching.reset(token)
            for bar in bars.values():
                bar.close()


def _outcome(job) -> str:
    """Why a job stopped; for one put back, when it runs again (the message says)."""
    if job.status == JobStatus.PENDING and job.error and job.message:
        return f"{job.error} ({job.message})"
    return job.error or job.message


def _sources(options: dict) -> list[str]:
    sources = [importer.LIKED] if options["liked"] else []
    if options["all_playlists"]:
        sources.append(importer.ALL_PLAYLISTS)
    for playlist in options["playlist"]:
        try:
            sources.append(importer.parse_source(f"playlist:{playlist}"))
        except ValueError as exc:
            raise CommandError(str(exc)) from None
    return sources or [importer.LIKED, importer.ALL_PLAYLISTS]
