"""Retry and cancel actions for any job's admin, saying why selected jobs were left alone.

Both change jobs, so both need the change permission: staff who may only view jobs do not see
them, and a POST naming one anyway is refused.
"""

from collections.abc import Callable

from django.contrib import admin, messages

from . import services
from .models import JobBase


class JobActions:
    """Mixed into a job's ModelAdmin. Set `noun` ("download"), `retry_job` (True when it
    acted, False when the job is in the wrong state; it raises one of `busy_errors` when
    another job holds the same work), and `busy_note`. Cancelling is one UPDATE
    (services.cancel_all)."""

    actions = ["retry_jobs", "cancel_jobs"]
    noun = "job"
    busy_errors: tuple[type[Exception], ...] = ()
    busy_note = "another job is doing the same work"
    retry_job: Callable[[JobBase], bool]

    @admin.action(description="Retry the selected failed or cancelled jobs", permissions=["change"])
    def retry_jobs(self, request, queryset) -> None:
        outcomes = []  # True: queued again, False: not failed or cancelled, None: busy
        for job in queryset:
            try:
                outcomes.append(type(self).retry_job(job))
            except self.busy_errors:
                outcomes.append(None)
        self._report(request, outcomes, "failed or cancelled", "queued again")

    @admin.action(description="Cancel the selected pending or running jobs", permissions=["change"])
    def cancel_jobs(self, request, queryset) -> None:
        selected = queryset.count()
        cancelled = services.cancel_all(queryset)
        outcomes = [True] * cancelled + [False] * (selected - cancelled)
        self._report(request, outcomes, "pending or running", "cancelled")

    def _report(self, request, outcomes: list[bool | None], state: str, done: str) -> None:
        acted, idle, selected = outcomes.count(True), outcomes.count(False), len(outcomes)
        if acted:
            self.message_user(request, f"{acted} {self.noun}(s) {done}.", messages.SUCCESS)
        if busy := outcomes.count(None):
            self.message_user(request, f"{busy} skipped: {self.busy_note}.", messages.WARNING)
        if not idle:
            return
        if idle < selected:
            why = f"Skipped {idle} of {selected}: only {state} {self.noun}s can be {done}."
        elif selected == 1:
            why = f"Nothing {done}: the selected {self.noun} is not {state}."
        else:
            why = f"Nothing {done}: none of the {selected} selected {self.noun}s is {state}."
        self.message_user(request, why, messages.WARNING)
