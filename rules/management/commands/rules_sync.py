from django.core.management import CommandError
from django.utils import timezone

from rules import services
from rules.management.lookup import find_rule, find_user
from rules.models import RuleSet
from spotify_auth.errors import RateLimited, ReconnectRequired, SpotifyApiError
from trackflow.commands import TrackFlowCommand

SPOTIFY_TROUBLE = (ReconnectRequired, RateLimited, SpotifyApiError)


class Command(TrackFlowCommand):
    help = (
        "Sync rule sets to Spotify now (or, with --queue, as jobs for the workers); "
        "--dry-run shows what a sync would change without writing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("rules", nargs="*", metavar="RULE", help="rule set ids or names")
        parser.add_argument("--user", help="whose rule sets (for names, and with --all/--due)")
        which = parser.add_mutually_exclusive_group()
        which.add_argument("--all", action="store_true", help="every enabled rule set")
        which.add_argument("--due", action="store_true", help="enabled ones whose auto-sync is due")
        parser.add_argument("--dry-run", action="store_true", help="read and plan, write nothing")
        parser.add_argument("--queue", action="store_true", help="queue jobs instead of waiting")

    def handle(self, *args, **options) -> None:
        if options["dry_run"] and options["queue"]:
            raise CommandError("use --dry-run or --queue, not both: a dry run queues nothing")
        rules = self.chosen(options)
        if not rules:
            self.stdout.write(self.nothing(options))
            return
        if options["due"]:
            rules = self.without_reconnect(rules, options["dry_run"])
        failed = 0
        for ruleset in rules:
            try:
                self.stdout.write(f"“{ruleset.name}”: {self.one(ruleset, options)}")
            except (*SPOTIFY_TROUBLE, services.AlreadySyncing, SyncFailed) as exc:
                failed += 1
                self.stderr.write(f"“{ruleset.name}”: {exc}")
        if failed:
            raise CommandError(f"{failed} of {len(rules)} rule set(s) could not be synced")

    def chosen(self, options: dict) -> list[RuleSet]:
        if options["rules"] and (options["all"] or options["due"]):
            raise CommandError("name rule sets, or use --all or --due, not both")
        if options["rules"]:
            return [find_rule(word, options["user"]) for word in options["rules"]]
        if not (options["all"] or options["due"]):
            raise CommandError("name the rule sets to sync, or use --all or --due")
        owner = find_user(options["user"]) if options["user"] else None
        if options["due"]:
            rules = services.due_rules(timezone.now())
        else:
            rules = list(RuleSet.objects.filter(enabled=True).select_related("owner"))
        return [r for r in rules if owner is None or r.owner_id == owner.pk]

    def nothing(self, options: dict) -> str:
        whose = f" of {options['user']}" if options["user"] else ""
        if options["due"]:
            return f"nothing to sync: no enabled rule set{whose} is due for its auto-sync"
        return f"nothing to sync: no rule set{whose} is enabled"

    def without_reconnect(self, rules: list[RuleSet], dry_run: bool) -> list[RuleSet]:
        """As auto-sync does: skip (and note on the rule) those whose owner must reconnect."""
        ready, skipped = services.split_connected(rules)
        if not dry_run:
            services.note_skipped(skipped)
        for ruleset in skipped:
            self.stdout.write(f"“{ruleset.name}”: {services.RECONNECT}")
        return ready

    def one(self, ruleset: RuleSet, options: dict) -> str:
        if options["dry_run"]:
            return services.describe_plan(services.plan_sync(ruleset))
        if options["queue"]:
            run, created = services.queue_sync(ruleset)
            return f"queued sync {run.pk}" if created else f"already queued: sync {run.pk}"
        run = services.sync_now(ruleset)
        if run.status != "completed":  # failed, or put off by a rate limit (message says when)
            raise SyncFailed(run.error or run.message)
        return run.message


class SyncFailed(Exception):
    pass
