from django.contrib.auth import get_user_model
from django.core.management import CommandError

from downloads import services
from trackflow.commands import TrackFlowCommand


class Command(TrackFlowCommand):
    help = "Queue every failed download again, with fresh attempts."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--user", help="only this user's downloads (username)")

    def handle(self, *args, **options) -> None:
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"no user {options['user']!r}: check the name")
        retried = services.retry_all_failed(user)
        self.stdout.write(f"queued {retried} failed download(s) again")
