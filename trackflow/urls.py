from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views

admin.site.site_header = "TrackFlow"
admin.site.site_title = "TrackFlow"
handler500 = "trackflow.views.server_error"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("healthz", views.healthz, name="healthz"),
    # Every household member signs in here; the admin's own sign-in is for staff only.
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    # back to the sign-in page; the admin's "Log out" keeps its own "Logged out" page
    path("accounts/logout/", auth_views.LogoutView.as_view(next_page="login"), name="logout"),
    path("admin/", admin.site.urls),
    path("api/", include("trackflow.api.urls")),
    path("api-auth/", include("rest_framework.urls")),  # the browsable API's "Log in"
    path("spotify/", include("spotify_auth.urls")),
]
