from pathlib import Path

from django.core.management import CommandError

from rules import services
from rules.dsl import RuleValidationError
from rules.management.lookup import find_user
from trackflow.commands import TrackFlowCommand


class Command(TrackFlowCommand):
    help = "Import a Navidrome smart playlist (.nsp file) as a rule set of a user."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="the .nsp file")
        parser.add_argument("--user", required=True, help="whose rule set it becomes (username)")
        parser.add_argument("--name", help="the rule set's name (default: the file's `name`)")

    def handle(self, *args, **options) -> None:
        user = find_user(options["user"])
        path = Path(options["file"])
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"cannot read {path}: {exc}") from None
        try:
            ruleset = services.import_nsp(user, text, options["name"], default_name=path.stem)
        except RuleValidationError as exc:
            problems = "; ".join(str(error) for error in exc.errors)
            raise CommandError(f"{path}: {problems}") from None
        text_form = services.rule_text(ruleset)
        self.stdout.write(f"imported “{ruleset.name}” as rule set {ruleset.pk}")
        if text_form:
            self.stdout.write(f"  {text_form}")
