from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import CommandError
from django.core.validators import URLValidator

from downloads import services
from downloads.management.watch import watch
from downloads.models import DownloadJob
from library.models import Track
from library.services.scope import library_tracks
from trackflow.commands import TrackFlowCommand
from trackflow.jobs.models import JobStatus


class Command(TrackFlowCommand):
    help = "Queue downloads of tracks, a playlist or a rule's result; --wait shows progress bars."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--user", required=True, help="whose downloads these are (username)")
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--track", type=int, nargs="+", metavar="ID", help="track ids")
        source.add_argument("--playlist", type=int, metavar="ID", help="a playlist of the user's")
        source.add_argument("--rule", type=int, metavar="ID", help="a rule set of the user's")
        parser.add_argument("--force", action="store_true", help="download finished tracks again")
        parser.add_argument(
            "--backend", choices=DownloadJob.Backend.values, help="default: DOWNLOAD_BACKEND"
        )
        parser.add_argument(
            "--url", help="fetch this instead of looking up the (one) track; --user must be staff"
        )
        parser.add_argument("--wait", action="store_true", help="wait, with progress bars")

    def handle(self, *args, **options) -> None:
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"no user {options['user']!r}: check the name, or create the user")
        if options["url"] and not user.is_staff:  # the command acts as --user, like the API
            raise CommandError(f"{services.URL_FOR_STAFF}: {user.username!r} is not staff")
        wanted = self.tracks(user, options)
        if options["url"]:
            self.check_url(options["url"], wanted)
        refused = self.refused(user, wanted, options)
        jobs = services.queue_tracks(
            user,
            wanted,
            force=options["force"],
            backend=options["backend"],
            url=options["url"] or "",
        )
        self.stdout.write(f"queued {len(jobs)} download(s){self.notes(wanted, jobs, refused)}")
        if options["wait"] and jobs:
            self.wait([job.pk for job in jobs])

    def refused(self, user, wanted: list[int], options: dict) -> dict[int, str]:
        """Files another member fetched, which --force or --url would replace: named tracks
        are an error (as in the API); a playlist's or rule's are skipped by the queue."""
        if not (options["force"] or options["url"]):
            return {}
        refused = services.refused_replacements(user, wanted)
        if refused and options["track"]:
            first, more = next(iter(refused.values())), len(refused) - 1
            raise CommandError(first + (f" (and {more} more track(s) like it)" if more else ""))
        return refused

    def notes(self, wanted: list[int], jobs: list, refused: dict[int, str]) -> str:
        """Why some tracks got no job, after "queued N download(s)"."""
        notes, skipped = "", len(wanted) - len(jobs) - len(refused)
        if skipped:
            notes += f"; {skipped} already queued, downloaded or uploaded (--force to download "
            notes += "finished ones again)"
        if refused:
            notes += f"; {len(refused)} left alone: only an admin or the member who fetched "
            notes += "their audio can replace it"
        return notes

    def tracks(self, user, options: dict) -> list[int]:
        try:
            wanted = services.requested_track_ids(
                user,
                track_ids=options["track"],
                playlist_id=options["playlist"],
                rule_id=options["rule"],
            )
        except services.NotFound as error:
            raise CommandError(str(error)) from None
        # an id beyond what a database stores names no track (and would not bind in a query)
        possible = [pk for pk in wanted if services.is_id(pk)]
        # as in the API: a member's own library (a download writes a file its owners share)
        tracks = Track.objects.all() if user.is_staff else library_tracks(user)
        known = set(tracks.filter(pk__in=possible).values_list("pk", flat=True))
        unknown = [str(pk) for pk in wanted if pk not in known]
        if unknown:
            where = "" if user.is_staff else f" in {user.username}'s library"
            raise CommandError(f"no track with id {', '.join(unknown)}{where}")
        return wanted

    def check_url(self, url: str, wanted: list[int]) -> None:
        if len(wanted) != 1:
            raise CommandError("--url goes with exactly one --track")
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            raise CommandError(f"--url must be an http(s) URL, got {url!r}") from None

    def wait(self, job_ids: list) -> None:
        # the bare stream: tqdm redraws in place with "\r", OutputWrapper would add newlines
        rows = watch(job_ids, out=self.stderr._out)
        bad = [row for row in rows if row["status"] != JobStatus.COMPLETED]
        if bad:
            first = bad[0]
            reason = first["error"] or first["status"]
            raise CommandError(
                f"{len(bad)} of {len(rows)} download(s) did not complete; "
                f"'{first['track__title']}': {reason}"
            )
        self.stdout.write(f"downloaded {len(rows)} track(s)")
