from trackflow.api.router import router

from .views import DownloadJobViewSet

router.register("downloads", DownloadJobViewSet, basename="download")

urlpatterns: list = []
