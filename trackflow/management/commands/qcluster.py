from django_q.management.commands.qcluster import Command as ClusterCommand

from trackflow.commands import OneLineErrors
from trackflow.jobs.schedules import install_all


class Command(OneLineErrors, ClusterCommand):
    help = (
        "Starts the django-q2 cluster, after bringing its schedules up to date with the settings."
    )

    def handle(self, *args, **options):
        install_all()
        super().handle(*args, **options)
