"""GET /api/jobs/: the user's jobs of every kind, newest first, in one paginated list."""

import uuid

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.settings import api_settings

from trackflow.api.forms import NoInput

from . import services
from .models import JobBase, JobStatus

FIELDS = services.JOB_FIELDS


class JobSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.CharField()
    status = serializers.ChoiceField(choices=JobStatus.choices)
    progress = serializers.FloatField()
    message = serializers.CharField()
    error = serializers.CharField()
    attempts = serializers.IntegerField()
    max_attempts = serializers.IntegerField()
    run_after = serializers.DateTimeField()
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField()


class JobFilterSerializer(serializers.Serializer):
    """The list's filters; a value that names nothing is a 400, not an empty page."""

    status = serializers.ChoiceField(choices=JobStatus.choices, required=False)
    kind = serializers.ChoiceField(choices=[], required=False, help_text="import, sync or download")
    ordering = serializers.ChoiceField(
        choices=services.JOB_ORDERINGS, required=False, help_text="default: -created_at"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = sorted(m.kind for m in services.job_models())


def _all_scope(request) -> bool:
    return request.user.is_staff and request.query_params.get("scope") == "all"


def _visible(model: type[JobBase], request):
    queryset = model.objects.all()
    return queryset if _all_scope(request) else queryset.filter(owner=request.user)


def _row(job: JobBase) -> dict:
    return {"kind": job.kind, **{name: getattr(job, name) for name in FIELDS}}


@extend_schema(tags=["jobs"])
@extend_schema_view(
    **{
        name: extend_schema(parameters=[OpenApiParameter("id", OpenApiTypes.UUID, "path")])
        for name in ("retrieve", "cancel", "retry")
    }
)
class JobViewSet(viewsets.ViewSet):
    """Import, sync and download jobs: status, progress 0..1, message and error."""

    serializer_class = JobSerializer

    def find(self, request, pk) -> JobBase:
        try:
            uuid.UUID(str(pk))
        except ValueError:
            raise Http404 from None
        for model in services.job_models():
            job = _visible(model, request).filter(pk=pk).first()
            if job is not None:
                return job
        raise Http404

    @extend_schema(
        parameters=[
            JobFilterSerializer,
            OpenApiParameter("scope", enum=["all"], description="staff only: every user's jobs"),
        ]
    )
    def list(self, request):
        owner = None if _all_scope(request) else request.user
        filters = JobFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        rows = services.job_rows(owner, **filters.validated_data)
        paginator = self.paginator
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(JobSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(JobSerializer(_row(self.find(request, pk))).data)

    @extend_schema(request=None, responses={200: JobSerializer})
    @action(detail=True, methods=["post"], serializer_class=NoInput)
    def cancel(self, request, pk=None):
        job = self.find(request, pk)
        if not services.cancel(job):
            return Response(
                {"detail": f"a {job.status} job cannot be cancelled"},
                status=status.HTTP_409_CONFLICT,
            )
        return Response(JobSerializer(_row(job)).data)

    @extend_schema(request=None, responses={202: JobSerializer})
    @action(detail=True, methods=["post"], serializer_class=NoInput)
    def retry(self, request, pk=None):
        job = self.find(request, pk)
        try:
            retried = services.retry(job)
        except services.Conflict as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        if not retried:
            detail = f"a {job.status} job cannot be retried"
            return Response({"detail": detail}, status=status.HTTP_409_CONFLICT)
        return Response(JobSerializer(_row(job)).data, status=status.HTTP_202_ACCEPTED)

    pagination_class = api_settings.DEFAULT_PAGINATION_CLASS  # the schema reads it too

    @property
    def paginator(self):
        if not hasattr(self, "_paginator"):
            self._paginator = self.pagination_class()
        return self._paginator
