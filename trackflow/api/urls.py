from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.parsers import FormParser, MultiPartParser

from trackflow.jobs.api import JobViewSet

from .parsers import JSONParser
from .router import router

router.register("jobs", JobViewSet, basename="job")


class ObtainToken(ObtainAuthToken):
    """POST username and password, get {"token": "..."}; throttled against guessing."""

    throttle_scope = "auth"
    throttle_classes = ObtainAuthToken.throttle_classes
    parser_classes = (FormParser, MultiPartParser, JSONParser)  # the depth-bounded JSON


app_urls = [
    path("", include(f"{app}.api.urls"))
    for app in ("library", "spotify_auth", "rules", "downloads")
]

urlpatterns = [
    path("auth/token/", ObtainToken.as_view(), name="api-token"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    *app_urls,
    path("", include(router.urls)),
]
