from django.apps import AppConfig


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
        from trackflow.jobs import schedules

        schedules.register(_install_schedules)
