"""POST /api/rules/validate/ and /api/rules/preview/: a rule not saved (yet)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from rules import services
from rules.api.previews import preview_response
from rules.api.serializers import (
    PreviewInputSerializer,
    RuleInputSerializer,
    ValidatedRuleSerializer,
)


class ValidateRuleView(APIView):
    """Check a rule: its normalized JSON and its text form, or every mistake with its path."""

    @extend_schema(
        tags=["rules"], request=RuleInputSerializer, responses={200: ValidatedRuleSerializer}
    )
    def post(self, request):
        body = RuleInputSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        written = body.validated_data["written"]
        return Response({"valid": True, "definition": written.definition, "query": written.text})


class PreviewRuleView(APIView):
    """The tracks a rule would select now, paged (`page`, `page_size`), with `count` and
    the `seed` that fixes `sort: random` (send it back to page through the same order)."""

    @extend_schema(
        tags=["rules"],
        request=PreviewInputSerializer,
        parameters=[OpenApiParameter("page", int), OpenApiParameter("page_size", int)],
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request):
        body = PreviewInputSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        data = body.validated_data
        found = services.preview_rule(request.user, data["written"].rule, seed=data.get("seed"))
        response, _ = preview_response(request, found, data["explain"], keep_seed=False)
        return response
