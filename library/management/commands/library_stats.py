"""manage.py library_stats [--user NAME]: what the catalog holds, and one user's library."""

from django.contrib.auth import get_user_model
from django.core.management import CommandError

from library.services.stats import catalog_stats, user_stats
from trackflow.commands import TrackFlowCommand


class Command(TrackFlowCommand):
    help = "Count the catalog's tracks (by source, with audio), artists, albums, enrichments."

    def add_arguments(self, parser):
        parser.add_argument("--user", help="also count this user's library")

    def handle(self, *args, user=None, **options):
        account = None
        if user:  # a wrong name is refused before anything is printed
            try:
                account = get_user_model().objects.get(username=user)
            except get_user_model().DoesNotExist:
                raise CommandError(
                    f"no user named {user!r}; add household members in the admin"
                ) from None
        self._print("Catalog", catalog_stats())
        if account is not None:
            self._print(f"Library of {account.get_username()}", user_stats(account))

    def _print(self, title: str, counts: dict) -> None:
        self.stdout.write(title)
        width = max(len(name) for name in counts)
        for name, value in counts.items():
            self.stdout.write(f"  {name:<{width}}  {value:>9,}")
