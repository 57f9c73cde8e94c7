"""The base of TrackFlow's management commands."""

from django.core.management.base import BaseCommand, CommandParser


class OneLineParser(CommandParser):
    """argparse prints the whole usage before a mistake; a shell user gets one line instead,
    naming the mistake and where the usage is."""

    def error(self, message: str):
        if self.called_from_command_line:
            self.exit(2, f"{self.prog}: {message} (see --help)\n")
        super().error(message)  # call_command: a CommandError, as Django does


class OneLineErrors:
    """Mixed into a command: its argument mistakes are one line on stderr and exit code 2."""

    def create_parser(self, prog_name: str, subcommand: str, **kwargs) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.__class__ = OneLineParser  # same state; only error() differs
        return parser


class TrackFlowCommand(OneLineErrors, BaseCommand):
    """The base of every TrackFlow command."""
