from django.apps import AppConfig
from django.db.backends.signals import connection_created


def _fold(text):
    """SQLite's LOWER() folds ASCII only; rules fold like Python (rules.dsl.semantics.fold)."""
    return text.lower() if isinstance(text, str) else text


def register_fold(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        from rules.query.expressions import FOLD

        connection.connection.create_function(FOLD, 1, _fold, deterministic=True)


def _install_schedules(**kwargs) -> None:
    from django.conf import settings

    from trackflow.jobs.schedules import ensure_schedule

    ensure_schedule(
        "rules: auto-sync", "rules.tasks.sync_due", minutes=settings.RULES_AUTO_SYNC_CHECK_MINUTES
    )


class RulesConfig(AppConfig):
    """Rule sets: the DSL, previews, diffs and syncs to Spotify."""

    name = "rules"
    verbose_name = "Rules"

    def ready(self) -> None:
        connection_created.connect(register_fold, dispatch_uid="rules.register_fold")
        from trackflow.jobs import schedules

        schedules.register(_install_schedules)
