"""POST /api/tracks/upload/: an audio file becomes a track of yours, tags read from the file."""

from django.conf import settings
from django.core.files.uploadhandler import StopUpload, TemporaryFileUploadHandler
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from library.api.conflicts import CONFLICT, conflict
from library.api.querysets import shaped_tracks
from library.api.serializers import TrackDetailSerializer, UploadSerializer
from library.models import Track
from library.services.errors import Conflict, InvalidAudio, TooLarge
from library.services.uploads import store_upload, too_large_message
from trackflow.api.errors import validation_error

MULTIPART_SLACK = 64 * 1024  # form boundaries and headers around the file


class CappedUploadHandler(TemporaryFileUploadHandler):
    """Stops storing a file once it passes UPLOAD_MAX_BYTES, so a huge upload never fills the
    disk; the rest of the body is read and dropped so the client still gets its 413."""

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > settings.UPLOAD_MAX_BYTES:
            self.request.upload_too_large = True
            raise StopUpload(connection_reset=False)
        return super().receive_data_chunk(raw_data, start)


@extend_schema(
    tags=["library"],
    request={"multipart/form-data": UploadSerializer},
    responses={
        201: TrackDetailSerializer,
        400: OpenApiResponse(description="not audio, or truncated: the message says which"),
        409: CONFLICT,
        413: OpenApiResponse(description="larger than UPLOAD_MAX_BYTES"),
    },
)
class UploadView(GenericAPIView):
    """Upload MP3, FLAC, Ogg Vorbis, Opus, M4A or WAV; the track gets source=upload."""

    parser_classes = [MultiPartParser]
    serializer_class = UploadSerializer  # the browsable API's form: a file input

    def initialize_request(self, request, *args, **kwargs):
        # Before authentication: signed in by session, its CSRF check reads the form, and
        # Django takes upload handlers only before the body is first read.
        request.upload_handlers = [CappedUploadHandler(request)]
        return super().initialize_request(request, *args, **kwargs)

    def post(self, request):
        if (
            int(request.META.get("CONTENT_LENGTH") or 0)
            > settings.UPLOAD_MAX_BYTES + MULTIPART_SLACK
        ):
            return _too_large()
        serializer = UploadSerializer(data=request.data)
        if getattr(request._request, "upload_too_large", False):
            return _too_large()
        serializer.is_valid(raise_exception=True)
        try:
            track = store_upload(request.user, serializer.validated_data["file"])
        except TooLarge:
            return _too_large()
        except InvalidAudio as problem:
            raise validation_error("file", str(problem)) from None
        except Conflict as clash:
            return conflict(request.user, clash)
        shown = shaped_tracks(Track.objects.filter(pk=track.pk), request.user, detail=True).get()
        body = TrackDetailSerializer(shown, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)


def _too_large() -> Response:
    return Response(
        {"detail": too_large_message()}, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    )
