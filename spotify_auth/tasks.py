"""What django-q2 runs: one import job by id."""

from trackflow.jobs import services

from . import importer
from .models import ImportJob


def run_import(job_id: str) -> str:
    return services.run(ImportJob, job_id, importer.work)
