from django_q.models import Schedule


def ensure_schedule(name: str, func: str, minutes: int, **kwargs) -> Schedule:
    """Create or update a repeating django-q2 schedule by name; safe to call on every migrate."""
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
