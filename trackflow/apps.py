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
        post_migrate.connect(_install_schedules, sender=self)
