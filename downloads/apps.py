from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _install_schedules(**kwargs) -> None:
    from django.conf import settings

    from trackflow.jobs.schedules import ensure_schedule

    ensure_schedule(
        "downloads: recover", "downloads.tasks.recover", minutes=settings.DOWNLOAD_RECOVER_MINUTES
    )


class DownloadsConfig(AppConfig):
    """The download queue: jobs, backends, tagging and file placement."""

    name = "downloads"
    verbose_name = "Downloads"

    def ready(self) -> None:
        from downloads import checks  # noqa: F401  (registers the settings checks)

        post_migrate.connect(_install_schedules, sender=self)
