"""The project's URLs plus views that fail, for the tests of the error pages."""

from django.urls import path

from trackflow.urls import handler500, urlpatterns


def boom(request):
    raise RuntimeError("a bug")


urlpatterns = [path("api/boom/", boom), path("boom/", boom), *urlpatterns]
__all__ = ["handler500", "urlpatterns"]
