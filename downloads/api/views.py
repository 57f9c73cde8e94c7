from django.db.models import Prefetch, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from downloads import services
from downloads.api.filters import DownloadJobFilter
from downloads.api.serializers import (
    CreateDownloadsSerializer,
    DownloadJobSerializer,
    QueuedDownloadsSerializer,
    RetriedDownloadsSerializer,
)
from downloads.models import DownloadJob
from library.models import TrackArtist
from trackflow.api.errors import validation_error
from trackflow.api.forms import NoInput

JOB_ID = OpenApiParameter("id", OpenApiTypes.UUID, "path")
SCOPE = OpenApiParameter("scope", enum=["all"], description="staff only: every user's downloads")


@extend_schema(tags=["downloads"])
@extend_schema_view(
    list=extend_schema(parameters=[SCOPE]),
    retrieve=extend_schema(parameters=[JOB_ID]),
    cancel=extend_schema(parameters=[JOB_ID], request=None, responses={200: DownloadJobSerializer}),
    retry=extend_schema(parameters=[JOB_ID], request=None, responses={202: DownloadJobSerializer}),
    create=extend_schema(
        request=CreateDownloadsSerializer,
        responses={201: QueuedDownloadsSerializer, 200: QueuedDownloadsSerializer},
        description="Queue downloads; 201 when jobs were made, 200 when every track was "
        "already queued or downloaded.",
    ),
    retry_failed=extend_schema(request=None, responses={202: RetriedDownloadsSerializer}),
)
class DownloadJobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Download jobs: queue tracks, a playlist or a rule's result; watch, cancel, retry."""

    serializer_class = DownloadJobSerializer
    filterset_class = DownloadJobFilter
    ordering_fields = ["created_at", "finished_at", "status"]
    ordering = ["-created_at"]

    def get_queryset(self) -> QuerySet[DownloadJob]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return DownloadJob.objects.none()
        queryset = DownloadJob.objects.select_related("track__album").prefetch_related(
            Prefetch("track__track_artists", TrackArtist.objects.select_related("artist"))
        )
        user = self.request.user
        if not (user.is_staff and self.request.query_params.get("scope") == "all"):
            queryset = queryset.filter(owner=user)
        return queryset.order_by("-created_at")

    def create(self, request):
        body = CreateDownloadsSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        sources = {name: body.validated_data.get(name) for name in body.SOURCES}
        try:
            wanted = services.requested_track_ids(request.user, **sources)
        except services.NotFound as error:
            path = "playlist_id" if sources["playlist_id"] is not None else "rule_id"
            raise validation_error(path, str(error)) from None
        data = body.validated_data
        # with force, a playlist's or rule's tracks whose file another member fetched are
        # skipped by the queue (track_ids naming them were refused above): nothing is replaced
        jobs = services.queue_tracks(
            request.user,
            wanted,
            force=data["force"],
            backend=data.get("backend"),
            url=data.get("url", ""),
        )
        queued = {job.track_id for job in jobs}
        rows = self.get_queryset().filter(pk__in=[job.pk for job in jobs])
        order = {pk: index for index, pk in enumerate(wanted)}
        answer = {
            "jobs": sorted(rows, key=lambda job: order[job.track_id]),
            "skipped": [pk for pk in wanted if pk not in queued],
        }
        code = status.HTTP_201_CREATED if jobs else status.HTTP_200_OK
        return Response(QueuedDownloadsSerializer(answer).data, status=code)

    @action(detail=True, methods=["post"], serializer_class=NoInput)
    def cancel(self, request, pk=None):
        job = self.get_object()
        if not services.cancel_job(job):
            return conflict(f"a {job.status} download cannot be cancelled")
        return Response(DownloadJobSerializer(self.get_object()).data)

    @action(detail=True, methods=["post"], serializer_class=NoInput)
    def retry(self, request, pk=None):
        job = self.get_object()
        try:
            retried = services.retry_job(job)
        except services.Busy as error:
            return conflict(str(error))
        if not retried:
            return conflict(f"a {job.status} download cannot be retried")
        return Response(DownloadJobSerializer(self.get_object()).data, status.HTTP_202_ACCEPTED)

    @action(detail=False, methods=["post"], url_path="retry-failed", serializer_class=NoInput)
    def retry_failed(self, request):
        retried = services.retry_all_failed(request.user)
        return Response({"retried": retried}, status=status.HTTP_202_ACCEPTED)


def conflict(detail: str) -> Response:
    return Response({"detail": detail}, status=status.HTTP_409_CONFLICT)
