import secrets

from django.contrib.auth import get_user_model
from django.core.management import BaseCommand, call_command


class Command(BaseCommand):
    help = (
        "Create the first admin account if there is none: from DJANGO_SUPERUSER_USERNAME, "
        "_PASSWORD and _EMAIL when set, else 'admin' with a generated password printed once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")

    def handle(self, *args, username: str, **options):
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            return
        try:
            # Django reads DJANGO_SUPERUSER_* itself; this fails when they are not set.
            call_command("createsuperuser", interactive=False, verbosity=0)
            self.stdout.write("Created the admin account from DJANGO_SUPERUSER_* settings.")
            return
        except Exception:
            pass
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser(username=username, email="", password=password)
        self.stdout.write(
            self.style.SUCCESS(
                f"Created the admin account.\n  username: {username}\n  password: {password}\n"
                "This password is shown once: keep it, or change it with "
                f"`manage.py changepassword {username}`."
            )
        )
