"""Tasks that tests enqueue on a real cluster (importable by the qcluster subprocess)."""

from pathlib import Path


def write_marker(path: str, text: str) -> str:
    Path(path).write_text(text)
    return f"wrote {path}"


def run_failing_job(job_id: str, expected: bool) -> str:
    """Run an import job whose work fails, expectedly (a service down) or not (a bug)."""
    from spotify_auth.models import ImportJob
    from trackflow.jobs import services

    def work(job):
        if expected:
            raise services.ExpectedFailure("the service is down")
        raise ValueError("a bug")

    return services.run(ImportJob, job_id, work)
