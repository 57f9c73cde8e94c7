from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.urls import include, path, re_path, resolve
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.throttling import AnonRateThrottle, ScopedRateThrottle

from trackflow.jobs.api import JobViewSet

from .parsers import JSONParser
from .router import router

router.register("jobs", JobViewSet, basename="job")


class ObtainToken(ObtainAuthToken):
    """POST username and password, get {"token": "..."}; throttled against guessing."""

    throttle_scope = "auth"
    # DRF's view has none at all; the "auth" rate counts guesses per address
    throttle_classes = (ScopedRateThrottle, AnonRateThrottle)
    parser_classes = (FormParser, MultiPartParser, JSONParser)  # the depth-bounded JSON


app_urls = [
    path("", include(f"{app}.api.urls"))
    for app in ("library", "spotify_auth", "rules", "downloads")
]


@csrf_exempt  # it changes nothing; a token client's POST must get the JSON, not a CSRF page
def not_found(request: HttpRequest, rest: str) -> HttpResponse:
    """Unknown API paths answer in the API's format; a path missing only its trailing
    slash is sent there (GET) or named (other methods, whose body a redirect would lose)."""
    slashed = f"{request.path}/"
    if not request.path.endswith("/") and resolve(slashed).url_name != "api-not-found":
        if request.method in ("GET", "HEAD"):
            query = request.META.get("QUERY_STRING")
            return HttpResponsePermanentRedirect(f"{slashed}?{query}" if query else slashed)
        detail = f"Not found. API paths end with a slash: {request.method} {slashed}"
        return JsonResponse({"detail": detail}, status=404)
    return JsonResponse({"detail": "Not found."}, status=404)


urlpatterns = [
    path("auth/token/", ObtainToken.as_view(), name="api-token"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    *app_urls,
    path("", include(router.urls)),
    re_path(r"^(?P<rest>.*)$", not_found, name="api-not-found"),
]
