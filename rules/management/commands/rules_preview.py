from django.core.management import CommandError

from rules import services
from rules.management.lookup import find_rule
from trackflow.commands import TrackFlowCommand


class Command(TrackFlowCommand):
    help = "Show what a rule set selects now: the count and the first tracks (--explain: why)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("rule", help="the rule set's id or name")
        parser.add_argument("--user", help="whose rule set (when several share the name)")
        parser.add_argument("--limit", type=int, default=20, help="tracks to show (default 20)")
        parser.add_argument("--explain", action="store_true", help="say why each track is in")

    def handle(self, *args, **options) -> None:
        if options["limit"] < 1:
            raise CommandError(f"--limit must be 1 or more, not {options['limit']}")
        ruleset = find_rule(options["rule"], options["user"])
        preview = services.preview(ruleset)
        count, tracks = preview.page(0, options["limit"])
        self.stdout.write(f"“{ruleset.name}” selects {count} track(s)")
        why = preview.explain(tracks) if options["explain"] else {}
        for number, track in enumerate(tracks, 1):
            artists = ", ".join(track.artist_names)
            self.stdout.write(f"{number:>4}. {track.title} — {artists or 'unknown artist'}")
            for line in why.get(track.pk, []):
                self.stdout.write(f"        {line}")
        if count > len(tracks):
            self.stdout.write(f"      … and {count - len(tracks)} more")
