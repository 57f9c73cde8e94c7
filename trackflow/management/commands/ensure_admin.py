import os
import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import CommandError
from django.core.validators import validate_email

from trackflow.commands import TrackFlowCommand


class Command(TrackFlowCommand):
    help = (
        "Create the first admin account if there is none: DJANGO_SUPERUSER_USERNAME, "
        "_PASSWORD and _EMAIL when set (each on its own), else 'admin' with a generated "
        "password printed once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")

    def handle(self, *args, username: str, **options):
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            return
        # each variable counts on its own: a chosen password is never swapped for a
        # generated one because the username was left to its default
        username = os.environ.get("DJANGO_SUPERUSER_USERNAME") or username
        email = os.environ.get("DJANGO_SUPERUSER_EMAIL", "")
        chosen = os.environ.get("DJANGO_SUPERUSER_PASSWORD")
        password = chosen or secrets.token_urlsafe(12)
        try:
            User._meta.get_field(User.USERNAME_FIELD).run_validators(username)
            if email:
                validate_email(email)
        except ValidationError as error:
            raise CommandError(f"cannot create the admin account: {error.messages[0]}") from None
        if User.objects.filter(**{User.USERNAME_FIELD: username}).exists():
            raise CommandError(
                f"there is no admin account, and the user {username!r} exists without admin "
                f"rights: grant them in a shell, or set DJANGO_SUPERUSER_USERNAME to a new name"
            )
        User.objects.create_superuser(username=username, email=email, password=password)
        if chosen:
            self.stdout.write(f"Created the admin account {username!r} from DJANGO_SUPERUSER_*.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Created the admin account.\n  username: {username}\n  password: {password}\n"
                "This password is shown once: keep it, or change it with "
                f"`manage.py changepassword {username}`."
            )
        )
