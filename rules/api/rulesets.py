"""/api/rules/: rule sets (CRUD), and per rule: preview, diff, sync and its sync runs."""

import uuid

import django_filters
from django.db.models import BooleanField, ExpressionWrapper, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from rules import services
from rules.api.errors import spotify_errors
from rules.api.previews import preview_response
from rules.api.serializers import (
    DiffSerializer,
    PreviewOptionsSerializer,
    RuleSetSerializer,
    SyncRunSerializer,
)
from rules.models import RESTORABLE, RuleSet, SyncRun
from rules.preview import note_count
from spotify_auth.auth import require_connected
from trackflow.api.filters import BooleanFilter
from trackflow.api.forms import NoInput


class RuleSetFilter(django_filters.FilterSet):
    enabled = BooleanFilter()

    class Meta:
        model = RuleSet
        fields: list[str] = []


RULE_ID = OpenApiParameter("id", OpenApiTypes.INT, "path")
RUN_ID = OpenApiParameter("run_id", OpenApiTypes.UUID, "path")
PAGE = [OpenApiParameter("page", int), OpenApiParameter("page_size", int)]
PREVIEW = [
    *PAGE,
    OpenApiParameter("explain", bool, description="Add each track's `explanation`."),
    OpenApiParameter("seed", int, description="The order of `sort: random` (default: the rule's)."),
]


@extend_schema(tags=["rules"])
@extend_schema_view(
    retrieve=extend_schema(parameters=[RULE_ID]),
    update=extend_schema(parameters=[RULE_ID]),
    partial_update=extend_schema(parameters=[RULE_ID]),
    destroy=extend_schema(parameters=[RULE_ID]),
    preview=extend_schema(parameters=[RULE_ID, *PREVIEW], responses={200: OpenApiTypes.OBJECT}),
    diff=extend_schema(parameters=[RULE_ID], responses={200: DiffSerializer}),
    sync=extend_schema(parameters=[RULE_ID], request=None, responses={202: SyncRunSerializer}),
    sync_runs=extend_schema(
        parameters=[RULE_ID, *PAGE], responses={200: SyncRunSerializer(many=True)}
    ),
    restore=extend_schema(
        parameters=[RULE_ID, RUN_ID], request=None, responses={202: SyncRunSerializer}
    ),
)
class RuleSetViewSet(viewsets.ModelViewSet):
    """Smart playlists: a rule over your library, kept in step with a Spotify playlist."""

    serializer_class = RuleSetSerializer
    filterset_class = RuleSetFilter
    ordering_fields = ["name", "created_at", "last_synced_at"]
    ordering = ["name", "id"]

    def get_queryset(self) -> QuerySet[RuleSet]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return RuleSet.objects.none()
        return RuleSet.objects.filter(owner=self.request.user)

    def perform_create(self, serializer) -> None:
        serializer.save(owner=self.request.user)

    @action(detail=True, methods=["get"])
    def preview(self, request, pk=None):
        ruleset = self.get_object()
        options = PreviewOptionsSerializer(data=request.query_params)
        options.is_valid(raise_exception=True)
        found = services.preview(ruleset, options.validated_data.get("seed"))
        response, count = preview_response(request, found, options.validated_data["explain"])
        note_count(ruleset, count)
        return response

    @action(detail=True, methods=["get"])
    @spotify_errors
    def diff(self, request, pk=None):
        return Response(services.sync_report(services.plan_sync(self.get_object())))

    @action(detail=True, methods=["post"], serializer_class=NoInput)
    @spotify_errors
    def sync(self, request, pk=None):
        ruleset = self.get_object()
        require_connected(ruleset.owner)  # a job that could only fail: a 409 now instead
        run, _ = services.queue_sync(ruleset)
        return Response(SyncRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)

    # the list's filters and ordering are not this page's: its rule is found by id alone
    @action(
        detail=True, methods=["get"], url_path="sync-runs", filterset_class=None, filter_backends=[]
    )
    def sync_runs(self, request, pk=None):
        restorable = ExpressionWrapper(RESTORABLE, output_field=BooleanField())
        runs = (
            SyncRun.objects.filter(rule=self.get_object())
            .defer("before_uris", "after_uris")  # thousands of URIs each: not for a list
            .annotate(can_restore=restorable)
            .order_by("-created_at")
        )
        page = self.paginate_queryset(runs)
        return self.get_paginated_response(SyncRunSerializer(page, many=True).data)

    @action(
        detail=True,
        methods=["post"],
        url_path=r"sync-runs/(?P<run_id>[^/.]+)/restore",
        serializer_class=NoInput,
    )
    @spotify_errors
    def restore(self, request, pk=None, run_id=None):
        ruleset = self.get_object()
        run = get_object_or_404(SyncRun.objects.filter(rule=ruleset), pk=_uuid(run_id))
        if run.unrestorable_reason:
            return Response({"detail": run.unrestorable_reason}, status=status.HTTP_409_CONFLICT)
        require_connected(ruleset.owner)
        restore, _ = services.queue_restore(run)
        return Response(SyncRunSerializer(restore).data, status=status.HTTP_202_ACCEPTED)


def _uuid(raw: str) -> uuid.UUID:
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise Http404 from None
