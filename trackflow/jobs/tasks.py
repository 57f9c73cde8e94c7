from . import services


def sweep() -> str:
    """Every minute: requeue jobs of dead workers and wake jobs whose wake-up was lost."""
    recovered = requeued = 0
    for model in services.job_models():
        recovered += services.recover_stale(model)
        requeued += services.requeue_lost(model)
    return f"recovered {recovered} stale, requeued {requeued} lost"
