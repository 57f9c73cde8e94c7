import sys
from urllib.parse import parse_qsl, urlsplit

from django.contrib.auth import get_user_model
from django.core.management import CommandError

from spotify_auth import oauth
from trackflow.commands import TrackFlowCommand


class Command(TrackFlowCommand):
    help = (
        "Connect a user's Spotify account without the web page: prints the authorize URL, "
        "then reads the address the browser was sent back to, pasted on stdin."
    )

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="TrackFlow username")

    def handle(self, *args, user: str, **options):
        owner = get_user_model().objects.filter(username=user).first()
        if owner is None:
            raise CommandError(f"no TrackFlow user {user!r}")
        problem = oauth.redirect_uri_problem()
        if problem:
            raise CommandError(problem)
        session: dict = {}
        self.stdout.write(
            "1. Open this address in a browser and approve access:\n\n"
            f"   {oauth.start(session)}\n\n"
            "2. The browser is sent to the redirect URI (the page may not load: that is fine).\n"
            "   Paste the full address from its address bar here, then press Enter:"
        )
        pasted = sys.stdin.readline().strip()
        again = f"run manage.py spotify_login --user {user} again"
        if not pasted:
            raise CommandError(f"no address pasted; nothing was stored: {again}")
        params = dict(parse_qsl(urlsplit(pasted).query))
        if not params.keys() & {"state", "code", "error"}:
            raise CommandError(
                "that is not the address the browser was sent back to (it carries no code "
                f"from Spotify); nothing was stored: {again}"
            )
        try:
            oauth.check_state(session, params.get("state"), start_again=again)
            account = oauth.finish(owner, params)
        except oauth.OAuthFailed as exc:
            raise CommandError(str(exc)) from None
        name = account.display_name or account.spotify_user_id
        self.stdout.write(self.style.SUCCESS(f"Connected {user} to Spotify as {name}."))
