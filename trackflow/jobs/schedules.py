"""The cluster's repeating tasks: each app registers an installer that writes its schedules
from the settings. They run after every migrate and when a cluster starts (the `qcluster`
command), so a changed interval (RULES_AUTO_SYNC_CHECK_MINUTES…) takes effect on restart."""

from collections.abc import Callable

from django_q.models import Schedule

_installers: list[Callable[..., None]] = []


def ensure_schedule(name: str, func: str, minutes: int, **kwargs) -> Schedule:
    """Create or update a repeating django-q2 schedule by name; safe to call on every start."""
    schedule, _ = Schedule.objects.update_or_create(
        name=name,
        defaults={
            "func": func,
            "schedule_type": Schedule.MINUTES,
            "minutes": minutes,
            "repeats": -1,
            **kwargs,
        },
    )
    return schedule


def register(installer: Callable[..., None]) -> None:
    """Call `installer` (which takes post_migrate's keyword arguments) on install_all()."""
    if installer not in _installers:
        _installers.append(installer)


def install_all() -> None:
    for installer in _installers:
        installer()
