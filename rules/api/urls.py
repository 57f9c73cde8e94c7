from trackflow.api.router import router  # noqa: F401  (viewsets register here)

urlpatterns: list = []
