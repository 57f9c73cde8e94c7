import django_filters

from downloads.models import DownloadJob
from trackflow.api.filters import IntegerFilter
from trackflow.jobs.models import JobStatus


class DownloadJobFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=JobStatus.choices)
    track = IntegerFilter(field_name="track_id")

    class Meta:
        model = DownloadJob
        fields = ["status", "track"]
