"""409 answers to a clash with a track already in the catalog: its id only for who sees it."""

from drf_spectacular.utils import OpenApiResponse
from rest_framework import status
from rest_framework.response import Response

from library.services.errors import Conflict
from library.services.scope import library_tracks

CONFLICT = OpenApiResponse(
    description='{"detail": "...", "id": <the existing track>}; `id` only when that track is '
    "in your library (staff: any track)"
)


def conflict(user, clash: Conflict) -> Response:
    """409 naming the existing track when `user` can see it. A track only other libraries
    hold stays unnamed: its id would tell a member what another member has, and where."""
    body = {"detail": str(clash)}
    if user.is_staff or library_tracks(user).filter(pk=clash.existing_id).exists():
        body["id"] = clash.existing_id
    return Response(body, status=status.HTTP_409_CONFLICT)
