from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _install_schedules(**kwargs) -> None:
    from trackflow.jobs.schedules import ensure_schedule

    ensure_schedule("trackflow: sweep jobs", "trackflow.jobs.tasks.sweep", minutes=1)


class TrackflowConfig(AppConfig):
    """Shared building blocks: jobs, API conventions, health and bootstrap commands."""

    name = "trackflow"
    verbose_name = "TrackFlow"

    def ready(self) -> None:
        from django.apps import apps

        from trackflow import signin  # noqa: F401 - connects its user_login_failed receiver
        from trackflow.jobs import schedules
        from trackflow.lookups import register_lookups

        register_lookups()
        schedules.register(_install_schedules)
        # After each migrate, once: post_migrate is sent per app with models, and this app
        # has none (connected to itself, the sweep was never scheduled); django_q owns the
        # schedule table, so its signal comes when the table is there.
        post_migrate.connect(
            lambda **kwargs: schedules.install_all(),
            sender=apps.get_app_config("django_q"),
            dispatch_uid="trackflow.install_schedules",
            weak=False,
        )
